"""The demo holds serious events both with their notices recorded and still waiting."""

from __future__ import annotations

from sqlalchemy import select

from avvik.extensions import db
from avvik.reports.models import Report, ReportEvent
from avvik.reports.notices import CaseNotice
from avvik.reports.serious import is_serious


def test_some_serious_events_are_recorded_and_some_wait(demo_history):
    assert demo_history.serious_recorded >= 5 and demo_history.serious_waiting >= 1
    notices = db.session.scalars(select(CaseNotice)).all()
    authority = [n for n in notices if n.kind == "authority"]
    assert len(authority) == demo_history.serious_recorded
    assert {n.answer for n in authority} == {"yes", "no"}
    for notice in notices:
        report = db.session.get(Report, notice.report_id)
        assert is_serious(report)
        assert notice.recorded_at >= report.routed_at
        kinds = db.session.scalars(select(ReportEvent.kind).filter_by(
            report_id=report.id)).all()
        assert f"{notice.kind}_notice" in kinds
