"""A small process supervisor: start children, watch them, stop every one of them.

Each child runs in its own process group, so stopping it also reaches what it started
itself (gunicorn's and Celery's worker processes). Stopping sends SIGTERM to each child,
waits a grace period, then SIGKILLs whatever is left of each group. A second Ctrl-C skips
the grace period.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType

POLL_SECONDS = 0.2


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid


class ChildExited(Exception):
    """A child stopped on its own; the supervisor stops the rest."""

    def __init__(self, child: Child) -> None:
        super().__init__(f"{child.name} exited with code {child.process.returncode}")
        self.child = child


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived."""


class Supervisor:
    def __init__(self, env: Mapping[str, str], grace_seconds: float = 10.0) -> None:
        self.env = dict(env)
        self.grace_seconds = grace_seconds
        self.children: list[Child] = []
        self.signals_received = 0

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self.signals_received += 1

    def start(self, name: str, argv: list[str]) -> Child:
        process = subprocess.Popen(argv, env=self.env, start_new_session=True,
                                   preexec_fn=_die_with_parent)
        child = Child(name, process)
        self.children.append(child)
        return child

    def check(self) -> None:
        """Raise StopRequested or ChildExited if either has happened."""
        if self.signals_received:
            raise StopRequested
        for child in self.children:
            if child.process.poll() is not None:
                raise ChildExited(child)

    def wait_until(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        """Poll ``ready`` while watching the children; TimeoutError names ``what``."""
        deadline = time.monotonic() + timeout
        while True:
            self.check()
            if ready():
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not answer within {timeout:.0f} seconds")
            time.sleep(POLL_SECONDS)

    def watch(self) -> None:
        """Block until a child exits (ChildExited) or a signal arrives (StopRequested)."""
        while True:
            self.check()
            time.sleep(POLL_SECONDS)

    def stop_all(self) -> None:
        """SIGTERM every child (last started first), then SIGKILL what remains."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                _signal_quietly(child.pid, signal.SIGTERM)
        seen = self.signals_received
        deadline = time.monotonic() + self.grace_seconds
        while time.monotonic() < deadline and self.signals_received == seen:
            if all(child.process.poll() is not None for child in self.children):
                break
            time.sleep(POLL_SECONDS / 2)
        for child in self.children:
            # The group outlives its leader when a grandchild lingers: kill the group.
            _signal_quietly(-child.pid, signal.SIGKILL)
            child.process.wait()


def _signal_quietly(pid: int, signum: int) -> None:
    try:
        if pid < 0:
            os.killpg(-pid, signum)
        else:
            os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _die_with_parent() -> None:
    # Linux only: the child gets SIGTERM if the supervisor itself is killed (kill -9),
    # so not even that leaves orphans behind. Runs in the child between fork and exec.
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)
