"""The supervisor behind `avvik serve`: a child that dies is restarted with back-off, one
that keeps dying stops the run, and a signal stops every child and grandchild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from avvik.core.procfs import descendants
from avvik.serving.state import read_processes
from avvik.serving.supervisor import KeepsDying, RestartPolicy, Supervisor
from tests.tasks.processes import alive, wait_for

SLEEPER = ["sleep", "60"]
QUITTER = [sys.executable, "-c", "raise SystemExit(3)"]


class FakeClock:
    """The supervisor's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def quits_once(marker: Path) -> list[str]:
    """A child that exits with 3 the first time and then runs on."""
    code = (f"import os, sys, time\nif not os.path.exists({str(marker)!r}):\n"
            f"    open({str(marker)!r}, 'w').close(); sys.exit(3)\ntime.sleep(60)")
    return [sys.executable, "-c", code]


def test_the_back_off_doubles_up_to_its_cap() -> None:
    policy = RestartPolicy(first_delay=1, max_delay=30)

    assert [policy.delay(streak) for streak in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


@pytest.mark.slow
def test_a_child_that_dies_is_restarted_said_in_one_line_and_recorded(tmp_path: Path) -> None:
    said: list[str] = []
    state = tmp_path / "processes.json"
    supervisor = Supervisor(os.environ, grace_seconds=5, state_file=state, say=said.append,
                            policy=RestartPolicy(first_delay=0.05))
    steady = supervisor.start("steady", SLEEPER)
    flaky = supervisor.start("flaky", quits_once(tmp_path / "quit-once"), "the flaky one")
    first_pid = flaky.pid
    try:
        supervisor.wait_until(lambda: flaky.pid != first_pid, 30, "the flaky one again")

        assert said == ["avvik serve: the flaky one exited with code 3; restart 1 in 0.05 s"]
        assert alive(flaky.pid) and alive(steady.pid)
        recorded = {p["name"]: p for p in read_processes(state)}
        assert recorded["flaky"] == {**recorded["flaky"], "pid": flaky.pid, "running": True,
                                     "restarts": 1, "last_exit": 3}
        assert recorded["steady"]["restarts"] == 0 and recorded["steady"]["running"]
    finally:
        supervisor.stop_all()
    assert not state.exists()


@pytest.mark.slow
def test_a_child_that_keeps_dying_stops_the_run_and_is_named() -> None:
    said: list[str] = []
    supervisor = Supervisor(os.environ, grace_seconds=5, say=said.append,
                            policy=RestartPolicy(first_delay=0.01, give_up_after=5,
                                                 within_seconds=60))
    steady = supervisor.start("steady", SLEEPER)
    supervisor.start("quitter", QUITTER, "the quitter")

    with pytest.raises(KeepsDying) as gave_up:
        supervisor.watch()
    supervisor.stop_all()

    assert str(gave_up.value) == ("the quitter keeps dying (5 times within 60 s, "
                                  "last exit code 3)")
    assert [line.rsplit("; ", 1)[1] for line in said] == [
        "restart 1 in 0.01 s", "restart 2 in 0.02 s", "restart 3 in 0.04 s",
        "restart 4 in 0.08 s"]
    assert steady.process.returncode == -signal.SIGTERM


@pytest.mark.slow
def test_a_child_that_ran_steadily_before_it_died_starts_its_back_off_afresh() -> None:
    said: list[str] = []
    clock = FakeClock()
    supervisor = Supervisor(os.environ, say=said.append, clock=clock,
                            policy=RestartPolicy(first_delay=1, within_seconds=60))
    child = supervisor.start("quitter", QUITTER)
    try:
        child.process.wait()
        supervisor.tick()  # died at once: restart in 1 s
        clock.now = 1
        supervisor.tick()
        child.process.wait()
        supervisor.tick()  # died at once again: the wait doubles
        clock.now = 3
        supervisor.tick()
        child.process.wait()
        clock.now = 63  # this run lasted a minute
        supervisor.tick()
    finally:
        supervisor.stop_all()

    assert [line.rsplit("; ", 1)[1] for line in said] == [
        "restart 1 in 1 s", "restart 2 in 2 s", "restart 3 in 1 s"]


@pytest.mark.slow
def test_what_a_dead_child_started_dies_with_it_before_the_restart(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild"
    supervisor = Supervisor(os.environ, grace_seconds=5, say=lambda _line: None,
                            policy=RestartPolicy(first_delay=30))
    supervisor.start("leaver", ["sh", "-c", f"sleep 60 & echo $! > {pid_file}; exit 3"])
    grandchild = int(wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), 10,
                              "the grandchild's pid"))
    try:
        supervisor.wait_until(lambda: supervisor.children[0].restarts == 1, 10, "the death")
        wait_for(lambda: not alive(grandchild), 5, "the grandchild to be killed")
    finally:
        supervisor.stop_all()


@pytest.mark.slow
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


#: Told to stop, it looks for a second (SIGTERM's grace) whether the process argv[1] has
#: gone, and writes what it saw to argv[2]: a worker handing messages back to its broker.
LOOKS_BACK = textwrap.dedent("""
    import signal, sys, time
    from pathlib import Path
    def gone(pid):
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            return True
    def stop(*_):
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline and not gone(sys.argv[1]):
            time.sleep(0.02)
        Path(sys.argv[2]).write_text("gone" if gone(sys.argv[1]) else "there")
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    Path(sys.argv[2]).write_text("ready")
    time.sleep(60)
""")


@pytest.mark.slow
def test_a_child_started_to_stop_last_outlives_the_others_stopping(tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    supervisor = Supervisor(os.environ, grace_seconds=10)
    broker = supervisor.start("broker", SLEEPER, stop_last=True)
    supervisor.start("worker", [sys.executable, "-c", LOOKS_BACK, str(broker.pid), str(seen)])
    wait_for(lambda: seen.exists() and seen.read_text() == "ready", 10, "the worker")

    supervisor.stop_all()

    assert seen.read_text() == "there"
    assert broker.process.returncode == -signal.SIGTERM


SUPERVISED = textwrap.dedent("""
    import sys
    from avvik.serving.supervisor import StopRequested, Supervisor
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


@pytest.mark.slow
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
