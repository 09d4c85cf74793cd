"""Processes the benchmark starts: services, web servers, workers; and their memory.

Everything listens on 127.0.0.1 and is stopped by the pid the harness got when starting
it (never by name).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from avvik.core.procfs import descendants, port_open

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], T], timeout: float, what: str, interval: float = 0.05) -> T:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class Process:
    """A child process with its log file; ``stop()`` ends it (and waits)."""

    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], log: Path) -> None:
        self.name, self.log = name, log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(argv, env=dict(env), cwd=ROOT, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.popen.poll() is None

    def check(self) -> None:
        if not self.alive():
            raise RuntimeError(f"{self.name} exited:\n{self.text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def http_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def gunicorn(name: str, app: str, port: int, env: Mapping[str, str], log: Path) -> Process:
    """The production WSGI server with two processes, as ``avvik serve`` runs it."""
    process = Process(name, [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                             f"127.0.0.1:{port}", "--preload", app], env, log)
    wait_for(lambda: http_answers(f"http://127.0.0.1:{port}/") or process.check(), 90,
             f"{name} to answer")
    return process


def celery_worker(name: str, queue: str, env: Mapping[str, str], log: Path) -> Process:
    """One real worker (prefork, one process) on ``queue``; returns when it is ready."""
    argv = [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "--concurrency",
            "1", "-Q", queue, "-n", f"{name}@%h", "--loglevel", "info",
            "--without-mingle", "--without-gossip", "--without-heartbeat"]
    # --loglevel info as the Procfile runs it: a line per task is part of the real cost.
    return Process(name, argv, {**env, "AVVIK_CELERY_QUEUE": queue}, log)


def wait_ready(*workers: Process) -> None:
    for worker in workers:
        wait_for(lambda w=worker: " ready." in w.text() or w.check(), 90,
                 f"{worker.name} to start")


def redis_server(port: int, log: Path) -> Process:
    process = Process("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(port),
                                "--save", "", "--appendonly", "no"], os.environ, log)
    wait_for(lambda: port_open(port) or process.check(), 30, "redis to start")
    return process


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_peak_rss_mb(process: Process) -> dict[str, Any]:
    """Peak RSS of a server's master and of its largest child (a worker process)."""
    children = [peak_rss_mb(pid) for pid in descendants(process.pid)]
    return {"main": round(peak_rss_mb(process.pid), 1),
            "largest_child": round(max(children, default=0.0), 1)}
