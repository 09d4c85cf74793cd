"""The benchmark's world: sizes, a fresh PostgreSQL database, a private Redis, the SMTP
server, and the AVVIK_* settings every process gets (production, as the Procfile runs)."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from flask import Flask

from bench.procs import Process, free_port, redis_server
from bench.smtp import CountingSmtp

POSTGRES_ADMIN_URL = os.environ.get(
    "AVVIK_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class Sizes:
    pg_cases: int
    sqlite_cases: int
    years: int  #: the history spans this many years ("ten years of a whole country")
    intake_seconds: float
    routing_cases: int
    open_cases: int
    overdue_cases: int
    mail_seconds: float  #: each mail-rate window
    page_repeats: int
    query_repeats: int


FULL = Sizes(pg_cases=1_000_000, sqlite_cases=200_000, years=10, intake_seconds=30,
             routing_cases=200, open_cases=50_000, overdue_cases=10_000, mail_seconds=20,
             page_repeats=30, query_repeats=20)
QUICK = Sizes(pg_cases=50_000, sqlite_cases=20_000, years=10, intake_seconds=10,
              routing_cases=50, open_cases=5_000, overdue_cases=2_000, mail_seconds=5,
              page_repeats=10, query_repeats=8)


@dataclass
class World:
    sizes: Sizes
    dir: Path
    database_url: str  #: postgresql://... (no driver), for the servers
    redis_url: str
    smtp: CountingSmtp
    web_port: int
    floor_port: int
    settings: dict[str, str]  #: AVVIK_* for every production process

    def env(self, **extra: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("AVVIK_")}
        return {**base, "PYTHONUNBUFFERED": "1", **self.settings, **extra}


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """An empty database for this run, dropped at the end (as tests/services.py does)."""
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"avvik_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name, drivername="postgresql").render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def world(sizes: Sizes) -> Iterator[World]:
    directory = Path(tempfile.mkdtemp(prefix="avvik-bench-"))
    redis_port, smtp_port = free_port(), free_port()
    redis: Process | None = None
    smtp = CountingSmtp(smtp_port)
    try:
        redis = redis_server(redis_port, directory / "redis.log")
        smtp.start()
        with fresh_postgres_database() as url:
            web_port = free_port()
            settings = {
                "AVVIK_ENV": "production",
                "AVVIK_SECRET_KEY": secrets.token_urlsafe(48),
                "AVVIK_DATABASE_URL": url,
                "AVVIK_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
                "AVVIK_IDENTITY_KEY": Fernet.generate_key().decode(),
                # Production refuses http://; the address only names links in e-mails.
                "AVVIK_BASE_URL": "https://avvik.bench.invalid",
                "AVVIK_SMTP_HOST": "127.0.0.1",
                "AVVIK_SMTP_PORT": str(smtp_port),
                "AVVIK_MAIL_FROM": "Avvik <avvik@bench.invalid>",
                "AVVIK_INSTANCE_DIR": str(directory / "instance"),
                "AVVIK_CELERY_QUEUE": "bench",
            }
            yield World(sizes, directory, url, settings["AVVIK_BROKER_URL"], smtp, web_port,
                        free_port(), settings)
    finally:
        smtp.stop()
        if redis is not None:
            redis.stop()
        if not os.environ.get("AVVIK_BENCH_KEEP"):
            shutil.rmtree(directory, ignore_errors=True)


def make_app(settings: Mapping[str, str]) -> Flask:
    """The app as a process with ``settings`` as its environment would build it."""
    from avvik.app import create_app
    from config import load_config

    saved = dict(os.environ)
    try:
        os.environ.update(settings)
        config = load_config()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return create_app(config)
