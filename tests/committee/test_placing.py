"""Putting a case on the committee's agenda: once, from each source, on the timeline."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from avvik.committee.models import AgendaItem, AgendaSource, AgendaStatus
from avvik.committee.services import place_on_agenda
from avvik.core.errors import IllegalTransition, ValidationFailed
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage
from avvik.reports.services import create_draft


def _items(report) -> int:
    return db.session.execute(select(func.count()).select_from(AgendaItem)
                              .where(AgendaItem.report_id == report.id)).scalar_one()


@pytest.mark.parametrize("source", list(AgendaSource))
def test_each_source_places_the_case_once(world, case, secretary, source):
    first = place_on_agenda(case, reason="Partene er uenige.", source=source,
                            actor=world.hospital_coordinator)
    again = place_on_agenda(case, reason="En gang til.", source=AgendaSource.FLAGGED,
                            actor=None)
    assert again.id == first.id and _items(case) == 1
    assert (first.source, first.status, first.reason) == (source, AgendaStatus.OPEN,
                                                          "Partene er uenige.")
    assert first.health_community_id == world.hospital.health_community_id
    placed = [e for e in case.events if e.kind == "committee_placed"]
    assert len(placed) == 1 and placed[0].data == {"source": source.value,
                                                    "item_id": first.id}
    mails = db.session.execute(select(OutboxMessage.payload).where(
        OutboxMessage.task == "mail.send")).scalars().all()
    told = [p["user_id"] for p in mails if p["template"] == "committee_placed"]
    # Escalation level 3 tells the secretariat in its own e-mail.
    assert told == ([] if source == AgendaSource.ESCALATION else [secretary.id])


def test_a_resolved_item_lets_the_case_come_back(world, case):
    first = place_on_agenda(case, reason="Uenige.", source=AgendaSource.FLAGGED, actor=None)
    first.status, first.resolved_at = AgendaStatus.RETURNED, first.placed_at
    db.session.flush()
    second = place_on_agenda(case, reason="Igjen.", source=AgendaSource.SECOND_DISAGREEMENT,
                             actor=None)
    assert second.id != first.id and _items(case) == 2


def test_the_reason_is_required_and_never_an_identity_number(world, case):
    with pytest.raises(ValidationFailed) as empty:
        place_on_agenda(case, reason="  ", source=AgendaSource.FLAGGED, actor=None)
    assert empty.value.as_dict().keys() == {"reason"}
    with pytest.raises(ValidationFailed) as identity:
        place_on_agenda(case, reason="Gjelder 15076500565 ", source=AgendaSource.FLAGGED,
                        actor=None)
    assert "national identity number" in identity.value.as_dict()["reason"][0]
    assert _items(case) == 0


def test_a_draft_cannot_go_to_the_committee(world):
    draft = create_draft(world.reporter, world.report_input())
    with pytest.raises(IllegalTransition):
        place_on_agenda(draft, reason="Uenige.", source=AgendaSource.FLAGGED, actor=None)
