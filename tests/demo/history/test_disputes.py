"""The demo holds a redirected case, a joint-answer case and a dispute on the agenda."""

from __future__ import annotations

from sqlalchemy import select

from avvik.committee.models import AgendaItem, AgendaSource
from avvik.extensions import db
from avvik.reports.models import Report


def test_the_demo_holds_each_kind_of_dispute(demo_history):
    assert demo_history.disputed == 3
    declined = db.session.scalars(select(Report).where(Report.redirect_count > 0)).all()
    assert len(declined) == 3
    assert any(r.joint_organization_id is not None for r in declined)
    assert any(r.routing_basis != "redirected" and r.redirect_count == 1
               and r.joint_organization_id is None for r in declined)
    sources = db.session.scalars(select(AgendaItem.source).where(
        AgendaItem.report_id.in_([r.id for r in declined]))).all()
    assert AgendaSource.DECLINED_REDIRECT in sources
