"""The web server's own Prometheus metrics: requests by endpoint, and their latency.

gunicorn runs several worker processes and a scrape reaches one of them, so counts kept
in one process's memory would be a fraction that jumps between scrapes. With
``PROMETHEUS_MULTIPROC_DIR`` set (``avvik serve`` sets it; the README says so for
production), prometheus_client's multiprocess mode keeps each process's values in files
there and a scrape adds them up; the gunicorn hooks in avvik/serving/gunicorn_conf.py
empty the folder at start and mark exited workers dead. Without it (tests, one process)
the values live in memory. What the database knows (the outbox, e-mails, escalations,
the worker's heartbeat) is read at scrape time instead (avvik/health/metrics.py), so it
is right whichever process or machine answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

#: Labels are the endpoint (the view's name), never the concrete path: few values, no ids.
REQUESTS = Counter("avvik_http_requests", "HTTP requests answered, by endpoint and status",
                   ["method", "endpoint", "status"])
LATENCY = Histogram("avvik_http_request_duration_seconds",
                    "Time to answer an HTTP request, by endpoint", ["method", "endpoint"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, endpoint, str(status)).inc()
    LATENCY.labels(method, endpoint).observe(seconds)


class _Process(Collector):
    """This process's metrics (the default registry), for a one-process server."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()

    def describe(self) -> Iterable[Metric]:
        return []


def scrape_registry(*collectors: Collector) -> CollectorRegistry:
    """A registry for one scrape: the request metrics of every web process (or of this
    one) and ``collectors``, which read the database."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_Process())
    for collector in collectors:
        registry.register(collector)
    return registry
