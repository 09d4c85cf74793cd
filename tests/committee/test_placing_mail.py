"""Placing a case on the agenda tells the coordinators of both organisations too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from avvik.committee.models import AgendaSource
from avvik.committee.services import place_on_agenda
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage


def _told() -> dict[str, list[int]]:
    rows = db.session.execute(select(OutboxMessage.payload, OutboxMessage.dedup_key).where(
        OutboxMessage.task == "mail.send")).all()
    told: dict[str, list[int]] = {}
    for payload, _key in rows:
        told.setdefault(payload["template"], []).append(payload["user_id"])
    return {template: sorted(ids) for template, ids in told.items()}


@pytest.mark.parametrize("source", [AgendaSource.ESCALATION, AgendaSource.SECOND_DISAGREEMENT])
def test_both_organisations_coordinators_are_told(world, case, secretary, source):
    item = place_on_agenda(case, reason="", source=source, actor=None)
    told = _told()
    assert told["committee_placed_party"] == sorted(
        [world.kommune_coordinator.id, world.hospital_coordinator.id])
    assert told.get("committee_placed", []) == (
        [] if source == AgendaSource.ESCALATION else [secretary.id])
    payload = db.session.execute(select(OutboxMessage.payload).where(
        OutboxMessage.dedup_key == f"mail:committee_placed_party:{item.id}:"
                                   f"{world.hospital_coordinator.id}")).scalar_one()
    assert payload["extra"] == {"item_id": item.id, "source": source.value}


def test_the_coordinator_who_flags_is_not_told_of_it(world, case, secretary):
    place_on_agenda(case, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                    actor=world.hospital_coordinator)
    assert _told() == {"committee_placed": [secretary.id],
                       "committee_placed_party": [world.kommune_coordinator.id]}


def test_placing_again_tells_no_one_twice(world, case):
    place_on_agenda(case, reason="", source=AgendaSource.ESCALATION, actor=None)
    place_on_agenda(case, reason="Igjen.", source=AgendaSource.FLAGGED, actor=None)
    assert len(_told()["committee_placed_party"]) == 2
