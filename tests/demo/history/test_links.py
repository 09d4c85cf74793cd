"""The demo holds reports of one event from both sides: some linked, some left as likely
matches for the case page to offer."""

from __future__ import annotations

from sqlalchemy import select

from avvik.demo.services import DemoSummary
from avvik.extensions import db
from avvik.reports import links
from avvik.reports.models import Report, ReportEvent, ReportLink


def test_the_demo_links_some_pairs_and_leaves_likely_matches(demo_history: DemoSummary):
    assert demo_history.linked_pairs >= 5 and demo_history.likely_pairs >= 5
    found = db.session.scalars(select(ReportLink)).all()
    assert len(found) == demo_history.linked_pairs
    for link in found:
        a, b = link.report_a, link.report_b
        assert (a.reporting_organization_id, a.receiving_organization_id) == (
            b.receiving_organization_id, b.reporting_organization_id)
        assert a.transition_id == b.transition_id
        assert abs((a.event_date - b.event_date).days) <= links.MATCH_DAYS
        assert link.linked_at >= max(a.submitted_at, b.submitted_at)
        lines = db.session.scalars(select(ReportEvent.report_id).where(
            ReportEvent.kind == "linked", ReportEvent.data["link_id"].as_integer() == link.id))
        assert sorted(lines) == [a.id, b.id]
    unlinked = [r for r in db.session.scalars(select(Report).limit(800))
                if links.has_likely_match(r)]
    assert unlinked, "no likely match is left for the case page to offer"
