"""The services behind the pages: administrators only, and a test that flushes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from avvik.core.errors import PermissionDenied
from avvik.extensions import db
from avvik.routing.admin import (
    RuleValues,
    create_rule,
    deactivate_rule,
    preview_rule,
    reactivate_rule,
    update_rule,
)


def values(world, **overrides) -> RuleValues:
    fields = {"name": "Epikriser", "target_unit_id": world.other_ward.id,
              "agreement_id": world.agreement.id, "transition_id": world.discharge.id}
    fields.update(overrides)
    return RuleValues(**fields)


def a_sample(world) -> dict[str, int | None]:
    return {"agreement_id": world.agreement.id, "transition_id": world.discharge.id,
            "category_id": world.medication.id}


def test_only_administrators_may_change_or_test_rules(world):
    someone = world.ward_leader
    calls = [
        lambda: create_rule(someone, world.hospital, values(world)),
        lambda: update_rule(someone, world.rule, values(world)),
        lambda: deactivate_rule(someone, world.rule),
        lambda: reactivate_rule(someone, world.rule),
        lambda: preview_rule(someone, world.hospital, values(world), a_sample(world)),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert world.rule.is_active and world.rule.name == "Legemidler til medisinsk sengepost"


def test_a_test_of_a_new_or_changed_rule_neither_adds_nor_flushes_nor_changes(world):
    session = db.session()
    flushes = []
    listener = lambda *args: flushes.append(args)  # noqa: E731
    event.listen(session, "before_flush", listener)
    try:
        new = preview_rule(world.admin, world.hospital, values(world), a_sample(world))
        changed = preview_rule(world.admin, world.hospital,
                               values(world, name="Ny", target_unit_id=world.clinic.id),
                               a_sample(world), world.rule)
    finally:
        event.remove(session, "before_flush", listener)
    assert new.draft_wins and new.unit == world.other_ward
    assert changed.draft_wins and changed.unit == world.clinic
    assert flushes == [] and not session.new and not session.dirty
    assert world.rule.name == "Legemidler til medisinsk sengepost"
