"""One Idempotency-Key sent twice at the same moment: the work is done once, and both
requests are answered with its result.

Real commits from two threads with their own connections (tests/races.py). On
PostgreSQL both requests are made to pass their look-up of the key together, so that
only the database can stop the second: the key's unique index, or the case's version.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

import avvik.api.reports
import avvik.reports.steps
from avvik.api.idempotency import HEADER
from avvik.api.models import IdempotencyKey
from avvik.extensions import db
from avvik.reports.models import Report, ReportEvent
from tests.api.conftest import bearer, case_in, report_body
from tests.conftest import new_browser
from tests.races import at_once, meet_before, race_app
from tests.reports.world import build_world


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path: Path, clock) -> Iterator[Flask]:
    with race_app(request.param, tmp_path) as application:
        yield application


def send_twice(app: Flask, monkeypatch: pytest.MonkeyPatch, service: str, url: str,
               headers: dict[str, str], body: Any = None) -> list[Any]:
    """POST ``url`` from two clients at once; on PostgreSQL they meet at ``service``."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # The steps call their services from the registry's module, filing from the API's.
        module = (avvik.reports.steps if hasattr(avvik.reports.steps, service)
                  else avvik.api.reports)
        monkeypatch.setattr(module, service, meet_before(getattr(module, service)))
    clients = [new_browser(app), new_browser(app)]
    answers = at_once(*[lambda c=c: c.post(url, json=body, headers=headers)
                        for c in clients])
    assert not [a for a in answers if isinstance(a, BaseException)], answers
    return answers


def counted(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def replayed(answers: list[Any]) -> list[bool]:
    return sorted("Idempotent-Replayed" in a.headers for a in answers)


@pytest.mark.parametrize("draft", [False, True], ids=["submitted", "draft"])
def test_one_key_twice_at_once_files_one_case(shared, monkeypatch, draft):
    with shared.app_context():
        world = build_world()
        body = report_body(world, draft=draft)
        headers = {**bearer(world.reporter), HEADER: "double-tap"}
        db.session.commit()

    answers = send_twice(shared, monkeypatch, "file_report", "/api/v1/reports", headers, body)

    assert [a.status_code for a in answers] == [201, 201], [a.get_json() for a in answers]
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    assert replayed(answers) == [False, True]
    assert counted(shared, Report) == counted(shared, IdempotencyKey) == 1


def test_one_key_twice_at_once_acknowledges_once(shared, monkeypatch):
    with shared.app_context():
        world = build_world()
        report_id = case_in(world, "routed").id
        headers = {**bearer(world.ward_handler), HEADER: "ack"}
        db.session.commit()

    answers = send_twice(shared, monkeypatch, "acknowledge_report",
                         f"/api/v1/reports/{report_id}/acknowledge", headers)

    assert [a.status_code for a in answers] == [200, 200], [a.get_json() for a in answers]
    assert replayed(answers) == [False, True]
    assert counted(shared, ReportEvent, ReportEvent.kind == "acknowledged") == 1


def test_one_key_twice_at_once_adds_one_comment(shared, monkeypatch):
    with shared.app_context():
        world = build_world()
        report_id = case_in(world, "routed").id
        headers = {**bearer(world.ward_handler), HEADER: "comment"}
        db.session.commit()

    answers = send_twice(shared, monkeypatch, "add_comment",
                         f"/api/v1/reports/{report_id}/comments", headers,
                         {"text": "Vi ser på saken."})

    assert [a.status_code for a in answers] == [201, 201], [a.get_json() for a in answers]
    assert replayed(answers) == [False, True]
    assert counted(shared, ReportEvent, ReportEvent.kind == "comment") == 1
