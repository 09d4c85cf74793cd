"""Two taps at once on the report form's button: one report, both answered with it.

Real commits from two threads with their own connections (tests/races.py). On
PostgreSQL both posts are made to pass their check for an earlier post together, so
that only the database (the token's unique index, the draft's version) can stop the
second one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

import avvik.reports.views
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services import create_draft
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD
from tests.races import at_once, meet_before, race_app
from tests.reports.test_pages_form import form_data
from tests.reports.test_submit_once import open_form
from tests.reports.world import build_world


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path: Path, clock) -> Iterator[Flask]:
    with race_app(request.param, tmp_path) as application:
        yield application


def two_taps(app: Flask, username: str, url: str):
    """The form at ``url`` open in one browser, and two clients with its session and the
    page's hidden fields: the two posts of a double tap."""
    first = new_browser(app)
    assert login(first, username, DEFAULT_PASSWORD).status_code == 302
    page = open_form(first, url)
    second = new_browser(app)
    name = app.config["SESSION_COOKIE_NAME"]
    second.set_cookie(name, first.get_cookie(name).value)
    return first, second, page


def filed(app: Flask) -> tuple[list[Report], int]:
    with app.app_context():
        reports = list(db.session.scalars(select(Report)))
        routed = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.task == "reports.route"))
        db.session.expunge_all()
    return reports, routed


def race_at(monkeypatch: pytest.MonkeyPatch, app: Flask, name: str) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        monkeypatch.setattr(avvik.reports.views, name,
                            meet_before(getattr(avvik.reports.views, name)))


def test_a_new_report_posted_twice_at_once_is_filed_once(shared, monkeypatch):
    with shared.app_context():
        world = build_world()
        data, username = form_data(world), world.reporter.username
        db.session.commit()
    first, second, page = two_taps(shared, username, "/reports/new")
    race_at(monkeypatch, shared, "file_report")

    answers = at_once(lambda: first.post("/reports/new", data={**page, **data}),
                      lambda: second.post("/reports/new", data={**page, **data}))

    [report], routed = filed(shared)
    assert [a.status_code for a in answers] == [302, 302], answers
    assert {a.headers["Location"] for a in answers} == {f"/reports/{report.id}"}
    assert report.status == ReportStatus.SUBMITTED and routed == 1
    assert report.case_number.endswith("-00001")  # the loser's number went back


def test_a_draft_submitted_twice_at_once_is_filed_once(shared, monkeypatch):
    with shared.app_context():
        world = build_world()
        draft_id = create_draft(world.reporter, world.report_input()).id
        data, username = form_data(world), world.reporter.username
        db.session.commit()
    url = f"/reports/{draft_id}/edit"
    first, second, page = two_taps(shared, username, url)
    race_at(monkeypatch, shared, "submit_report")

    answers = at_once(lambda: first.post(url, data={**page, **data}),
                      lambda: second.post(url, data={**page, **data}))

    [report], routed = filed(shared)
    assert [a.status_code for a in answers] == [302, 302], answers
    assert {a.headers["Location"] for a in answers} == {f"/reports/{draft_id}"}
    assert report.status == ReportStatus.SUBMITTED and routed == 1
