"""The embedded default, as ``make run`` has it: ``avvik serve`` (gunicorn with 2
processes, a Celery worker and beat on the embedded Valkey broker) on SQLite,
with ``sizes.sqlite_cases`` cases of history. Only SMTP points at the harness's server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from bench import data, routing
from bench.env import World, make_app
from bench.intake import reporter_plans
from bench.procs import Process, descendants, free_port, http_answers, peak_rss_mb, wait_for


def settings(world: World, port: int) -> dict[str, str]:
    folder = world.dir / "embedded"
    return {"AVVIK_ENV": "development",
            "AVVIK_DATABASE_URL": f"sqlite:///{folder / 'avvik.sqlite3'}",
            "AVVIK_INSTANCE_DIR": str(folder), "AVVIK_PORT": str(port),
            "AVVIK_SMTP_HOST": "127.0.0.1", "AVVIK_SMTP_PORT": str(world.smtp.port)}


def run(world: World) -> dict[str, Any]:
    port = free_port()
    env = settings(world, port)
    app = make_app(env)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        loaded = data.load(world.sizes.sqlite_cases, world.sizes.years, utcnow())
        data.analyze()
        load_s = time.perf_counter() - started
        plans = reporter_plans(4)
        db.session.remove()
        db.engine.dispose()
    base = {k: v for k, v in world.env().items() if not k.startswith("AVVIK_")}
    serve = Process("avvik serve", [str(Path(_bin()) / "avvik"), "serve"],
                    {**base, **env}, world.dir / "serve.log")
    try:
        wait_for(lambda: (http_answers(f"http://127.0.0.1:{port}/") and " ready." in serve.text())
                 or serve.check(), 120, "avvik serve")
        with app.app_context():
            returned = routing.file_cases(port, plans, world.sizes.routing_cases, world.smtp,
                                          budget_seconds=600)
            values = routing.latencies(world.smtp, returned)
        memory = _memory(serve)
    finally:
        serve.stop(timeout=60)
    with app.app_context():
        size = db.session.execute(text("PRAGMA page_count")).scalar() * db.session.execute(
            text("PRAGMA page_size")).scalar()
        db.session.remove()
    return {"cases": loaded.cases, "events": loaded.events, "measures": loaded.measures,
            "load_s": round(load_s, 1),
            "sqlite_mb": round(size / 2**20, 1), **routing.figures(values, len(returned)),
            "memory": memory}


def _memory(serve: Process) -> dict[str, float]:
    web, worker = 0.0, 0.0
    for pid in descendants(serve.pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"gunicorn" in cmdline:
            web = max(web, peak_rss_mb(pid))
        elif b"celery" in cmdline:
            worker = max(worker, peak_rss_mb(pid))
    return {"web_rss_mb": round(web, 1), "worker_rss_mb": round(worker, 1)}


def _bin() -> str:
    import sys
    return str(Path(sys.executable).parent)
