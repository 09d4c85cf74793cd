"""gunicorn's hooks for the metrics of several worker processes: ``gunicorn -c
python:avvik.serving.gunicorn_conf ...`` (the Procfile and ``avvik serve`` say so).

With ``PROMETHEUS_MULTIPROC_DIR`` set, each worker process keeps its request counts in
files there and ``/metrics`` adds them up (avvik/core/metrics.py). The folder must start
empty, or a restarted server would add the last run's counts to its own; and a worker
that exits is marked dead. Without the variable these hooks do nothing.

It also turns off gunicorn's control socket (``gunicornc``): by default every gunicorn of a
user shares one path in their home folder, so the servers of parallel tests, ``make run``
and a benchmark would take it from one another, and nothing here uses it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

control_socket_disable = True


def on_starting(_server: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
