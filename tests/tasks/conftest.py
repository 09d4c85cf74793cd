"""Fixtures of the worker tests: a fresh database of each kind, and the whole system
(the test's app, a real Celery worker on the shared Redis, a real SMTP server).

A test module that needs another broker (a private Redis to stop and start) defines its
own ``system``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tasks.processes import redis_broker_url
from tests.tasks.system import System, start_system
from tests.tasks.system import database_url as database_url  # the fixture, for all here


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           database_url: str) -> Iterator[System]:
    yield from start_system(tmp_path, monkeypatch, database_url, redis_broker_url())
