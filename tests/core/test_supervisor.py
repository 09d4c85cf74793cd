"""The supervisor behind `avvik serve`: a dying child stops the rest; a signal stops all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from avvik.core.procfs import descendants
from avvik.core.supervisor import ChildExited, Supervisor
from tests.tasks.processes import alive, wait_for

pytestmark = pytest.mark.slow  # every test here starts processes

SLEEPER = ["sleep", "60"]


def test_a_child_that_exits_is_named_and_the_others_are_stopped() -> None:
    supervisor = Supervisor(os.environ, grace_seconds=5)
    steady = supervisor.start("the steady one", SLEEPER)
    supervisor.start("the quitter", [sys.executable, "-c", "raise SystemExit(3)"])

    with pytest.raises(ChildExited) as exited:
        supervisor.watch()
    supervisor.stop_all()

    assert str(exited.value) == "the quitter exited with code 3"
    assert steady.process.returncode == -signal.SIGTERM


def test_stop_all_kills_a_child_that_ignores_sigterm_after_the_grace_period(
        tmp_path: Path) -> None:
    ready = tmp_path / "ignoring-sigterm"
    code = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            f"open({str(ready)!r}, 'w').close(); time.sleep(60)")
    supervisor = Supervisor(os.environ, grace_seconds=0.5)
    stubborn = supervisor.start("stubborn", [sys.executable, "-c", code])
    wait_for(ready.exists, 10, "the child to ignore SIGTERM")

    supervisor.stop_all()

    assert stubborn.process.returncode == -signal.SIGKILL


SUPERVISED = textwrap.dedent("""
    import sys
    from avvik.core.supervisor import StopRequested, Supervisor
    supervisor = Supervisor({"PATH": "/usr/bin:/bin"}, grace_seconds=5)
    supervisor.install_signal_handlers()
    # sh leaves its own children behind when it is told to stop: the group kill finds them.
    for name in ("one", "two"):
        supervisor.start(name, ["sh", "-c", "sleep 60 & sleep 60 & wait"])
    print("started", flush=True)
    try:
        supervisor.watch()
    except StopRequested:
        supervisor.stop_all()
        sys.exit(0)
""")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_every_child_and_grandchild(sig: int) -> None:
    process = subprocess.Popen([sys.executable, "-c", SUPERVISED], stdout=subprocess.PIPE)
    assert process.stdout.readline() == b"started\n"
    family = wait_for(lambda: (d := descendants(process.pid)) and len(d) == 6 and d, 10,
                      "two shells with two sleeps each")

    process.send_signal(sig)

    assert process.wait(20) == 0
    process.stdout.close()
    wait_for(lambda: not any(alive(pid) for pid in family), 5, f"all of {family} to end")
