"""A draft is deleted by its reporter, never withdrawn: nothing of it is kept, its patient
identity included (withdrawing one broke the check that a sent report has a case number)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from avvik.audit.models import AuditEntry
from avvik.core.errors import IllegalTransition, PermissionDenied
from avvik.extensions import db
from avvik.reports import vault
from avvik.reports.models import PatientIdentity, Report, ReportEvent, ReportStatus
from avvik.reports.services import create_draft, submit_report, withdraw_report
from avvik.reports.services.drafting import delete_draft
from tests.reports.test_pages_case import browser_for, step


def draft_with_identity(world) -> Report:
    report = create_draft(world.reporter, world.report_input())
    vault.store_identity(report, "Test Testesen", "00000000000")
    return report


def rows(model, report_id: int) -> int:
    column = model.report_id
    return db.session.scalar(select(func.count()).select_from(model).where(column == report_id))


def test_the_reporter_deletes_a_draft_with_its_identity_and_timeline(world):
    report = draft_with_identity(world)
    report_id = report.id
    delete_draft(world.reporter, report)
    assert db.session.get(Report, report_id) is None
    assert rows(PatientIdentity, report_id) == rows(ReportEvent, report_id) == 0
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_id == report_id)).all() == ["identity.deleted"]


def test_only_a_draft_and_only_by_its_reporter(world):
    report = create_draft(world.reporter, world.report_input())
    with pytest.raises(PermissionDenied):
        delete_draft(world.kommune_leader, report)
    submit_report(world.reporter, report)
    with pytest.raises(IllegalTransition):
        delete_draft(world.reporter, report)


def test_a_draft_is_no_longer_withdrawn(world):
    report = create_draft(world.reporter, world.report_input())
    with pytest.raises(IllegalTransition):
        withdraw_report(world.reporter, report)


def test_the_case_page_offers_deleting_behind_a_question_and_goes_back_to_the_lists(app,
                                                                                 world):
    report = draft_with_identity(world)
    reporter = browser_for(app, world.reporter)
    html = reporter.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Withdraw the report" not in html
    assert "<summary>Delete draft</summary>" in html
    assert "Delete the draft? This cannot be undone." in html
    report_id = report.id
    response = step(reporter, report, "delete_draft")
    assert response.status_code == 302 and response.headers["Location"] == "/reports/"
    assert "The draft is deleted." in reporter.get("/reports/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Report, report_id) is None
    assert reporter.get(f"/reports/{report_id}").status_code == 404


def test_deleting_a_draft_changed_meanwhile_is_refused(app, world):
    report = create_draft(world.reporter, world.report_input())
    reporter = browser_for(app, world.reporter)
    response = step(reporter, report, "delete_draft", version=report.version - 1)
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == ReportStatus.DRAFT


def test_the_bokmal_page_says_slett_utkast(app, world):
    report = create_draft(world.reporter, world.report_input())
    reporter = browser_for(app, world.reporter)
    world.reporter.locale = "nb"
    db.session.flush()
    html = reporter.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "<summary>Slett utkast</summary>" in html
    assert "Slette utkastet? Dette kan ikke angres." in html
