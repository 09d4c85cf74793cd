"""What the run says: the machine, summaries, the targets of issue 6 and the table."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: (section, key, label, target text, check) - the targets of issue 6.
TARGETS: list[tuple[str, str, str, str, Callable[[float], bool]]] = [
    ("signin", "p95_s", "sign-in, 50 at once: p95 s", "", lambda v: True),
    ("signin", "renewing_p95_s", "  renewing old hashes: p95 s", "", lambda v: True),
    ("signin", "web_rss_mb", "  peak RSS, web process MB", "", lambda v: True),
    ("intake", "rps", "intake: app requests/s", "", lambda v: True),
    ("intake", "floor_rps", "intake: floor requests/s", "", lambda v: True),
    ("intake", "ratio", "intake: app / floor", ">= 0.7", lambda v: v >= 0.7),
    ("intake", "stack_ratio", "  app's stack alone / floor", "", lambda v: True),
    ("intake", "rules_ratio", "  app / app's stack alone", "", lambda v: True),
    ("intake", "statements_ratio", "  app's statements alone / floor", "", lambda v: True),
    ("intake", "python_ratio", "  app / app's statements alone", "", lambda v: True),
    ("intake", "p50_ms", "intake: p50 ms", "", lambda v: True),
    ("intake", "p99_ms", "intake: p99 ms", "<= 100", lambda v: v <= 100),
    ("routing", "redis_p50_s", "routing, Redis: p50 s", "", lambda v: True),
    ("routing", "redis_p95_s", "routing, Redis: p95 s", "<= 1", lambda v: v <= 1),
    ("routing", "embedded_p50_s", "routing, embedded: p50 s", "", lambda v: True),
    ("routing", "embedded_p95_s", "routing, embedded: p95 s", "<= 3", lambda v: v <= 3),
    ("escalation", "sweep_s", "escalation: one sweep s", "<= 5", lambda v: v <= 5),
    ("escalation", "mails_per_s_1_worker", "e-mail/s, 1 worker", "", lambda v: True),
    ("escalation", "mails_per_s_2_workers", "e-mail/s, 2 workers", "", lambda v: True),
    ("escalation", "floor_mails_per_s", "e-mail/s, smtplib floor", "", lambda v: True),
    ("escalation", "floor_per_message_mails_per_s", "  smtplib, a connection per e-mail",
     "", lambda v: True),
    ("escalation", "ratio", "e-mail: 1 worker / floor", "", lambda v: True),
    # One e-mail per task, from EmailMessage (avvik/core/mail.py): what the service needs
    # is a tenth of the floor, from worker processes side by side.
    ("escalation", "ratio_2_workers", "e-mail: 2 workers / floor", ">= 0.1",
     lambda v: v >= 0.1),
    ("escalation", "round_ratio_range", "  each round's, lowest-highest", "",
     lambda v: True),
    ("dashboard", "page_p95_ms", "dashboard, secretariat: p95 ms", "<= 300",
     lambda v: v <= 300),
    ("dashboard", "leader_page_p95_ms", "dashboard, leader: p95 ms", "", lambda v: True),
    ("dashboard", "worst_query_ratio", "worst query / bare SQL", "<= 1.5", lambda v: v <= 1.5),
    ("dashboard", "worst_ratio_of_queries_over_10ms", "  of queries >= 10 ms SQL", "<= 1.5",
     lambda v: v <= 1.5),
    ("measures_list", "worst_p95_ms", "measures list: worst p95 ms", "<= 200",
     lambda v: v <= 200),
    ("lists", "worst_p50_ms", "case lists: worst p50 ms", "", lambda v: True),
    ("memory", "web_rss_mb", "peak RSS, web process MB", "<= 200", lambda v: v <= 200),
    ("memory", "worker_rss_mb", "peak RSS, worker MB", "<= 200", lambda v: v <= 200),
]


def machine(database_url: str) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text()
                      .splitlines() if line.startswith("MemTotal"))) / 2**20
    import psycopg
    with psycopg.connect(database_url) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True,
                           check=False).stdout.split()[2].removeprefix("v=")
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}; PostgreSQL {pg}; "
            f"Redis {redis}")


def forget_queue(redis_url: str, queue: str = "bench") -> None:
    """Drop what a run left in the queue (the intake run has no worker)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.delete(queue)
    finally:
        client.close()


def memory_summary(memory: dict[str, Any]) -> dict[str, Any]:
    web = [memory.get("web", {}).get("largest_child", 0),
           memory.get("embedded", {}).get("web_rss_mb", 0)]
    workers = [max(memory.get("routing_worker", {}).values(), default=0),
               memory.get("mail_workers", {}).get("largest", 0),
               memory.get("embedded", {}).get("worker_rss_mb", 0)]
    return {"web_rss_mb": max(web), "worker_rss_mb": max(workers), "detail": memory}


def dashboard_summary(queries: dict[str, Any], pages: dict[str, Any]) -> dict[str, Any]:
    ratios = [(f["ratio"], role, name) for role, figures in queries.items()
              for name, f in figures.items() if f["ratio"] is not None]
    worst = max(ratios, default=(None, None, None))
    # Below ~10 ms of SQL the ratio measures build_table's fixed cost (about 1 ms), not
    # the query: shown apart.
    substantial = max(((f["ratio"], role, name) for role, figures in queries.items()
                       for name, f in figures.items()
                       if f["ratio"] is not None and f["bare_p50_ms"] >= 10),
                      default=(None, None, None))
    return {"page_p95_ms": pages["secretariat"]["overview"]["p95_ms"],
            "leader_page_p95_ms": pages["leader"]["overview"]["p95_ms"],
            "worst_query_ratio": worst[0], "worst_query": f"{worst[1]}: {worst[2]}",
            "worst_ratio_of_queries_over_10ms": substantial[0],
            "worst_query_over_10ms": f"{substantial[1]}: {substantial[2]}",
            "pages": pages, "queries": queries}


def table(results: dict[str, Any]) -> str:
    lines = [f"Machine: {results['machine']}", f"Cases on PostgreSQL: {results['cases']}", "",
             f"{'figure':<34} {'value':>12}  {'target':<8} met"]
    for section, key, label, target, check in TARGETS:
        value = results.get(section, {}).get(key)
        if value is None:
            lines.append(f"{label:<34} {'-':>12}  {target:<8} (not run)")
            continue
        met = "" if not target else ("yes" if check(value) else "NO")
        lines.append(f"{label:<34} {value:>12}  {target:<8} {met}")
    return "\n".join(lines)
