"""Helpers for tests that start real processes: a Celery worker, an SMTP server, polling.

Shared by the worker tests here and by tests/test_embedded_smoke.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

from aiosmtpd.controller import Controller

from tests.services import REDIS_URL, missing_service

T = TypeVar("T")


def wait_for(check: Callable[[], T], timeout: float, what: str, interval: float = 0.1) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without any AVVIK_* setting, plus ``settings``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("AVVIK_")}
    return {**base, "PYTHONUNBUFFERED": "1", **settings}


def stop_process(process: subprocess.Popen[Any], sig: int = signal.SIGTERM,
                 timeout: float = 20) -> int:
    """Ask ``process`` to stop, kill it when it will not; returns its exit code."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def redis_broker_url() -> str:
    """The test Redis as a broker URL; skips (or fails in CI) when Redis is not there."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        missing_service(f"Redis not reachable at {REDIS_URL}: {error}")
    finally:
        client.close()
    return REDIS_URL


@contextmanager
def celery_worker(env: Mapping[str, str], log_path: Path) -> Iterator[tuple[str, Path]]:
    """A real worker (prefork, one process) on a queue of its own; yields (queue, log).

    A queue per test keeps this worker away from other runs sharing the same Redis.
    """
    queue = f"avvik-test-{uuid.uuid4().hex[:12]}"
    argv = [sys.executable, "-m", "celery", "-A", "workers.app", "worker",
            "--concurrency", "1", "-Q", queue, "-n", f"{queue}@%h", "--loglevel", "info",
            "--without-mingle", "--without-gossip", "--without-heartbeat"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: " ready." in log_text(log_path) or process.poll() is not None,
                 60, "the worker to start")
        assert process.poll() is None, f"worker exited early:\n{log_text(log_path)}"
        yield queue, log_path
    finally:
        stop_process(process)
        _forget_queue(env.get("AVVIK_BROKER_URL", ""), queue)


def _forget_queue(broker_url: str, queue: str) -> None:
    # Kombu keeps a queue's binding (and any leftover messages) in Redis for good.
    if broker_url.startswith("redis://"):
        import redis

        client = redis.Redis.from_url(broker_url)
        try:
            client.delete(f"_kombu.binding.{queue}", queue)
        finally:
            client.close()


def log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


class CollectingHandler:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


class SmtpServer:
    """A real SMTP server in this process, on ``port``; start and stop it at will."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = CollectingHandler()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        return self.handler.messages

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                      ready_timeout=30)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
