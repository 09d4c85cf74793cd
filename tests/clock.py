"""The tests' one clock: a test that needs "now" or "today" asks for it, never the wall.

``clock`` (function fixture)
    Stops time at an ordinary moment (time-machine, so ``utcnow()``, ``oslo_today()``
    and every default in the app read it too) and gives ``clock.now`` (UTC) and
    ``clock.today`` (the date in Oslo); ``clock.shift(timedelta)`` moves it.

``@pytest.mark.clock`` (on a test that asks for ``clock``)
    The date lane, part of every plain ``pytest`` run: the test runs at the ordinary
    moment on both databases, then at each awkward moment below on SQLite. Mark what
    depends on the calendar: today's date, working days, years, the clock change.
    ``--clock=ordinary`` leaves the lane out, ``--clock=NAME,…`` picks moments, and
    ``--clock=2027-05-17T10:00+02:00`` sets every ``clock`` to that instant.

``system_clock`` (session fixture)
    The same interface on the real clock, for tests whose system runs in other processes
    or meets a real browser: those cannot be sent elsewhere in time. Such a test gives
    events fixed days in the past (valid on any day) and takes from here only what must
    lie ahead of the system's own now, such as a due date.

``--wall-clock=ISO`` sends the whole run to that instant with time passing from there:
``pytest tests/reports --wall-clock=2027-05-17T12:00+02:00`` shows that nothing in-process
depends on the real date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from avvik.core.timeutil import OSLO, oslo_today, utcnow

#: Where ``clock`` stands unless the lane moves it: an ordinary Tuesday morning, after
#: the fixed event dates of tests/reports/world.py.
ORDINARY = datetime(2026, 11, 24, 9, 30, tzinfo=OSLO)

#: The awkward moments of the lane: holidays the working-day count skips, the Oslo date
#: differing from the UTC date, the days a clock change makes 23 and 25 hours long.
AWKWARD = {
    # Half past midnight in Oslo, still 31 December in UTC: a new year, a new case series.
    "new-year": datetime(2027, 1, 1, 0, 30, tzinfo=OSLO),
    "leap-day": datetime(2028, 2, 29, 12, 0, tzinfo=OSLO),
    "constitution-day": datetime(2027, 5, 17, 10, 0, tzinfo=OSLO),
    "maundy-thursday": datetime(2027, 3, 25, 10, 0, tzinfo=OSLO),
    # 03:30 summer time, half an hour after 02:00 became 03:00 (last Sunday of March;
    # Easter Sunday too in 2027).
    "summer-time": datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    # 02:30 winter time, the second time 02:30 comes round (last Sunday of October).
    "winter-time": datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
    "new-years-eve": datetime(2027, 12, 31, 23, 59, tzinfo=OSLO),
}
MOMENTS = {"ordinary": ORDINARY, **AWKWARD}


class Clock:
    """Now and today as the code under test sees them."""

    def __init__(self, moved: time_machine.Traveller | None = None) -> None:
        self._moved = moved

    @property
    def now(self) -> datetime:
        if self._moved is not None:  # the moment the test stands at
            seconds, nanoseconds = divmod(self._moved.time_ns(), 1_000_000_000)
            return datetime.fromtimestamp(seconds, UTC) + timedelta(
                microseconds=nanoseconds // 1000)
        # ``system_clock``: the one place the tests read the real clock, for systems in
        # other processes and browsers that no fixture can move.
        return utcnow()

    @property
    def today(self) -> date:
        return oslo_today(self.now)

    def shift(self, delta: timedelta) -> None:
        assert self._moved is not None, "the system clock cannot be moved"
        self._moved.shift(delta)


def _utc(moment: datetime) -> datetime:
    # time-machine would set the process's TZ to a ZoneInfo destination's zone; the app
    # must not lean on the server's zone, so it stays whatever the machine has.
    return moment.astimezone(UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("clock", "the tests' clock (tests/clock.py)")
    group.addoption("--clock", default="lane", metavar="MOMENTS",
                    help="moments for tests that ask for `clock`: 'lane' (default: ordinary "
                         f"and {', '.join(AWKWARD)}), names separated by commas, or an "
                         "ISO instant with its offset")
    group.addoption("--wall-clock", default=None, metavar="ISO",
                    help="run everything as if the wall clock read this instant")


def _chosen_moments(option: str) -> dict[str, datetime]:
    if option == "lane":
        return MOMENTS
    if option[:1].isdigit():
        moment = datetime.fromisoformat(option)
        if moment.tzinfo is None:
            raise pytest.UsageError("--clock: give the instant with its offset, e.g. +01:00")
        return {option: moment}
    names = option.split(",")
    unknown = [name for name in names if name not in MOMENTS]
    if unknown:
        raise pytest.UsageError(f"--clock: unknown moments {unknown}; known: {list(MOMENTS)}")
    return {name: MOMENTS[name] for name in names}


def pytest_configure(config: pytest.Config) -> None:
    _chosen_moments(config.getoption("--clock"))  # a mistyped moment stops the run here
    wall = config.getoption("--wall-clock")
    if wall:
        travel = time_machine.travel(_utc(datetime.fromisoformat(wall)), tick=True)
        travel.start()
        config.add_cleanup(travel.stop)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("clock") is None:
        return
    if "clock" not in metafunc.fixturenames:
        raise pytest.UsageError(f"{metafunc.definition.nodeid} is marked clock but does not "
                                "ask for the clock fixture")
    moments = _chosen_moments(metafunc.config.getoption("--clock"))
    metafunc.parametrize("clock_moment", list(moments.values()), ids=list(moments),
                         indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The clock is set before any other fixture, so the data a test builds is made at its
    moment too. On PostgreSQL the lane runs its first moment only (the ordinary one): the
    awkward days test the calendar, which both databases store alike, and the lane stays
    cheap."""
    kept, dropped = [], []
    for item in items:
        names = getattr(item, "fixturenames", [])
        if "clock" in names:
            names.sort(key=lambda name: name not in ("clock_moment", "clock"))
        callspec = getattr(item, "callspec", None)
        if (callspec is not None and callspec.indices.get("clock_moment")
                and callspec.params.get("app") == "postgresql"):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def clock_moment(request: pytest.FixtureRequest) -> datetime:
    """The lane's moment, or else the first chosen one (the ordinary moment)."""
    if hasattr(request, "param"):
        return request.param
    return next(iter(_chosen_moments(request.config.getoption("--clock")).values()))


@pytest.fixture
def clock(clock_moment: datetime) -> Iterator[Clock]:
    # Time stands still: the "now" a test computes is the one the code under test reads.
    with time_machine.travel(_utc(clock_moment), tick=False) as coordinates:
        yield Clock(coordinates)


@pytest.fixture(scope="session")
def system_clock() -> Clock:
    return Clock()
