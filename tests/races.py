"""Two requests at the same moment, on a database of their own with committed data.

A test's rolled-back transaction cannot show a race: here each request runs in an app
context, session and connection of its own, as under a threaded server, on an app whose
tables and data are committed (``race_app``). ``meet_before`` makes the requests pass a
point of the code together, so that both are past their first checks before either
writes; on PostgreSQL only, since SQLite runs one transaction at a time (BEGIN
IMMEDIATE: the second waits at its first statement and would never arrive).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask

from avvik.app import create_app
from avvik.extensions import db
from tests.conftest import make_test_config
from tests.services import fresh_postgres_database

#: Long enough for any request of these tests; a lost thread fails the test, not hangs it.
WAIT_SECONDS = 60


@contextmanager
def race_app(database: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on an empty database of its own (``sqlite`` or ``postgresql``)."""
    def build(url: str) -> Flask:
        application = create_app(make_test_config(url, tmp_path))
        with application.app_context():
            db.create_all()
        return application

    if database == "sqlite":
        application = build(f"sqlite:///{tmp_path / 'race.sqlite3'}")
        yield application
        with application.app_context():
            db.engine.dispose()
        return
    with fresh_postgres_database("avvik_race") as url:
        application = build(url)
        yield application
        with application.app_context():
            db.engine.dispose()


def meet_before(function: Callable[..., Any], parties: int = 2) -> Callable[..., Any]:
    """``function``, entered by ``parties`` callers together (each waits for the others)."""
    barrier = threading.Barrier(parties, timeout=WAIT_SECONDS)

    @wraps(function)
    def together(*args: Any, **kwargs: Any) -> Any:
        barrier.wait()
        return function(*args, **kwargs)
    return together


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in a thread of its own, all released at once; their results."""
    start = threading.Barrier(len(calls), timeout=WAIT_SECONDS)
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = calls[i]()
        except BaseException as error:  # the test looks at what each one met
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return results
