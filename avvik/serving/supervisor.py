"""A small process supervisor: start children, restart the ones that die, stop them all.

Each child runs in its own process group, so stopping it also reaches what it started
itself (gunicorn's and Celery's worker processes). A child that dies is restarted after a
back-off that doubles while it keeps dying soon after each start, and the console says so
in one line; a child that dies too often in a short time stops the whole run, named.
Stopping sends SIGTERM to each child, waits a grace period, then SIGKILLs whatever is left
of each group. A second Ctrl-C skips the grace period.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType

from avvik.core.timeutil import utcnow
from avvik.serving.state import remove_state, write_state

POLL_SECONDS = 0.2


@dataclass(frozen=True)
class RestartPolicy:
    #: The wait before the first restart; it doubles for each death soon after a start.
    first_delay: float = 1.0
    max_delay: float = 30.0
    #: A child that dies this often within ``within_seconds`` stops the run. A child that
    #: ran that long before it died starts its back-off afresh.
    give_up_after: int = 5
    within_seconds: float = 60.0

    def delay(self, streak: int) -> float:
        """The wait before restarting a child that died ``streak`` times in a row."""
        return min(self.first_delay * 2 ** (streak - 1), self.max_delay)


@dataclass
class Child:
    name: str
    title: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    started_at: float
    since: datetime
    restarts: int = 0
    last_exit: int | None = None
    #: Deaths in a row, each soon after its start: the back-off's exponent.
    streak: int = 0
    deaths: deque[float] = field(default_factory=deque)
    #: When a dead child is to be started again; None while it runs.
    restart_at: float | None = None
    #: Stopped after the others (see ``Supervisor.stop_all``).
    stop_last: bool = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "pid": self.pid, "running": self.restart_at is None,
                "restarts": self.restarts, "last_exit": self.last_exit,
                "since": self.since.isoformat()}


class KeepsDying(Exception):
    """A child died too often in a short time; the supervisor stops the rest."""

    def __init__(self, child: Child, policy: RestartPolicy) -> None:
        super().__init__(f"{child.title} keeps dying ({len(child.deaths)} times within "
                         f"{policy.within_seconds:g} s, last exit code {child.last_exit})")
        self.child = child


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived."""


class Supervisor:
    def __init__(self, env: Mapping[str, str], grace_seconds: float = 10.0,
                 policy: RestartPolicy | None = None, state_file: Path | None = None,
                 say: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], datetime] = utcnow) -> None:
        self.env = dict(env)
        self.grace_seconds = grace_seconds
        self.policy = policy or RestartPolicy()
        self.state_file = state_file
        self.say = say or (lambda line: print(line, file=sys.stderr, flush=True))
        self.clock, self.wall_clock = clock, wall_clock
        self.children: list[Child] = []
        self.signals_received = 0

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self.signals_received += 1

    def start(self, name: str, argv: list[str], title: str | None = None,
              env: Mapping[str, str] | None = None, stop_last: bool = False) -> Child:
        """Start ``argv`` as the child ``name`` (``title`` in console lines), with the
        supervisor's environment unless ``env`` is given."""
        child_env = dict(self.env if env is None else env)
        child = Child(name, title or name, argv, child_env, _spawn(argv, child_env),
                      self.clock(), self.wall_clock(), stop_last=stop_last)
        self.children.append(child)
        self._write_state()
        return child

    def tick(self) -> None:
        """Restart children that died and are due; raise StopRequested or KeepsDying."""
        if self.signals_received:
            raise StopRequested
        now, changed = self.clock(), False
        for child in self.children:
            if child.restart_at is None and child.process.poll() is not None:
                self._died(child, now)
                changed = True
            elif child.restart_at is not None and now >= child.restart_at:
                child.process = _spawn(child.argv, child.env)
                child.started_at, child.since, child.restart_at = now, self.wall_clock(), None
                changed = True
        if changed:
            self._write_state()

    def _died(self, child: Child, now: float) -> None:
        # Whatever it started lives on in its group (pool processes holding a port or a
        # task): gone with it, so that the new one starts clean.
        _signal_quietly(-child.pid, signal.SIGKILL)
        policy = self.policy
        child.last_exit, child.since = child.process.returncode, self.wall_clock()
        while child.deaths and child.deaths[0] <= now - policy.within_seconds:
            child.deaths.popleft()
        child.deaths.append(now)
        if len(child.deaths) >= policy.give_up_after:
            raise KeepsDying(child, policy)
        steady = now - child.started_at >= policy.within_seconds
        child.streak = 1 if steady else child.streak + 1
        delay = policy.delay(child.streak)
        child.restart_at = now + delay
        child.restarts += 1
        self.say(f"avvik serve: {child.title} exited with code {child.last_exit}"
                 f"{_signal_name(child.last_exit)}; restart {child.restarts} in {delay:g} s")

    def wait_until(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        """Poll ``ready`` while minding the children; TimeoutError names ``what``."""
        deadline = self.clock() + timeout
        while True:
            self.tick()
            if ready():
                return
            if self.clock() > deadline:
                raise TimeoutError(f"{what} did not answer within {timeout:.0f} seconds")
            time.sleep(POLL_SECONDS)

    def watch(self) -> None:
        """Mind the children until a signal (StopRequested) or one keeps dying."""
        while True:
            self.tick()
            time.sleep(POLL_SECONDS)

    def stop_all(self) -> None:
        """SIGTERM every child (last started first), then SIGKILL what remains.

        Children started with ``stop_last`` (the broker) are stopped once the others have
        gone: a worker's warm shutdown still hands its unfinished messages back to them.
        """
        seen = self.signals_received
        for stop_last in (False, True):
            self._stop([c for c in self.children if c.stop_last == stop_last], seen)
        if self.state_file is not None:
            remove_state(self.state_file)

    def _stop(self, children: list[Child], seen: int) -> None:
        for child in reversed(children):
            if child.process.poll() is None:
                _signal_quietly(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        while time.monotonic() < deadline and self.signals_received == seen:
            if all(child.process.poll() is not None for child in children):
                break
            time.sleep(POLL_SECONDS / 2)
        for child in children:
            # The group outlives its leader when a grandchild lingers: kill the group.
            _signal_quietly(-child.pid, signal.SIGKILL)
            child.process.wait()

    def _write_state(self) -> None:
        if self.state_file is not None:
            write_state(self.state_file, [child.as_dict() for child in self.children])


def _spawn(argv: list[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, env=env, start_new_session=True,
                            preexec_fn=_die_with_parent)


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f" ({signal.Signals(-code).name})"
        except ValueError:
            pass
    return ""


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
