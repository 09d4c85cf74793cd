"""The identity vault: encrypted at rest, shown for a reason, logged, deleted in time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from avvik.audit.models import AuditEntry
from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.core.timeutil import OSLO
from avvik.extensions import db
from avvik.reports import vault
from avvik.reports.models import PatientIdentity
from avvik.reports.services import (
    answer_report,
    close_report,
    create_draft,
    mark_answer_delivered,
    submit_report,
)
from avvik.reports.services.drafting import withdraw_report
from avvik.reports.services.validation import PatientIdentityInput
from avvik.routing.services import route_report
from config import ConfigError

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)
IDENTITY = PatientIdentityInput(name="Kari Testperson", national_id="151086 95088")


@pytest.fixture
def identity_case(world, app):
    world.hospital.is_patient_identity_wanted = True
    report = create_draft(world.reporter, world.report_input(patient_identity=IDENTITY),
                          now=MONDAY)
    submit_report(world.reporter, report, now=MONDAY)
    route_report(report, now=MONDAY)
    return report


def test_identity_is_encrypted_at_rest(identity_case):
    stored = db.session.get(PatientIdentity, identity_case.id)
    assert b"15108695088" not in stored.ciphertext and b"Kari" not in stored.ciphertext


def test_identity_refused_where_the_receiver_does_not_ask_for_it(world):
    with pytest.raises(ValidationFailed) as failure:
        create_draft(world.reporter, world.report_input(patient_identity=IDENTITY))
    assert failure.value.errors[0][0] == "patient_identity"


def test_an_invalid_national_id_is_refused(world):
    world.hospital.is_patient_identity_wanted = True
    bad = PatientIdentityInput(name="Kari", national_id="15108695077")
    with pytest.raises(ValidationFailed) as failure:
        create_draft(world.reporter, world.report_input(patient_identity=bad))
    assert failure.value.errors[0][0] == "patient_national_id"


@pytest.mark.parametrize("who", ["reporter", "ward_handler", "hospital_coordinator"])
def test_allowed_viewers_see_it_after_a_reason_and_the_view_is_logged(world, identity_case,
                                                                      who):
    user = getattr(world, who)
    with pytest.raises(ValidationFailed):
        vault.view_identity(user, identity_case, "")
    shown = vault.view_identity(user, identity_case, "Trenger journalen for gjennomgang")
    assert shown == {"name": "Kari Testperson", "national_id": "15108695088"}
    assert [e.kind for e in identity_case.events][-1] == "identity_viewed"
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert (entry.actor_id, entry.action, entry.object_id) == (user.id, "identity.viewed",
                                                               identity_case.id)


@pytest.mark.parametrize("who", ["ward_leader", "kommune_leader", "outsider", "admin",
                                 "other_ward_handler"])
def test_others_may_not_see_it(world, identity_case, who):
    with pytest.raises(PermissionDenied):
        vault.view_identity(getattr(world, who), identity_case, "Bare nysgjerrig")


def test_deleted_thirty_days_after_closing(world, identity_case):
    answer_report(world.ward_handler, identity_case, "Årsak", "Tiltak", now=MONDAY)
    mark_answer_delivered(identity_case, now=MONDAY)
    close_report(world.reporter, identity_case, now=MONDAY)
    assert vault.delete_expired_identities(now=MONDAY + timedelta(days=29)) == 0
    assert vault.delete_expired_identities(now=MONDAY + timedelta(days=31)) == 1
    assert db.session.get(PatientIdentity, identity_case.id) is None
    assert identity_case.identity_deleted_at == MONDAY + timedelta(days=31)
    assert identity_case.events[-1].kind == "identity_deleted"


def test_deleted_thirty_days_after_a_withdrawal(world, identity_case):
    withdraw_report(world.reporter, identity_case, now=MONDAY)
    assert vault.delete_expired_identities(now=MONDAY + timedelta(days=29)) == 0
    assert vault.delete_expired_identities(now=MONDAY + timedelta(days=31)) == 1
    assert db.session.get(PatientIdentity, identity_case.id) is None
    assert identity_case.identity_deleted_at == MONDAY + timedelta(days=31)
    assert identity_case.events[-1].kind == "identity_deleted"
    deleted = db.session.scalars(select(AuditEntry).filter_by(action="identity.deleted")).one()
    assert (deleted.object_id, deleted.actor_id, deleted.detail) == (
        identity_case.id, None, {"status": "withdrawn", "retention_days": 30})


def test_rotating_the_key_keeps_identities_readable(world, identity_case, app):
    old_keys = app.config.get("IDENTITY_KEY")
    new_key = Fernet.generate_key().decode()
    app.config["IDENTITY_KEY"] = ",".join(filter(None, [new_key, old_keys or
                                                        vault._keys()[0]]))
    try:
        assert vault.rotate_identity_key() == 1
        app.config["IDENTITY_KEY"] = new_key  # the old key is gone now
        shown = vault.view_identity(world.reporter, identity_case, "Kontroll etter rotasjon")
        assert shown["name"] == "Kari Testperson"
    finally:
        app.config["IDENTITY_KEY"] = old_keys


def test_a_key_that_does_not_decrypt_the_stored_identities_is_found_at_start(
        identity_case, app):
    old_keys = app.config.get("IDENTITY_KEY")
    vault.check_identity_key()  # the keys it was stored with
    app.config["IDENTITY_KEY"] = Fernet.generate_key().decode()
    try:
        with pytest.raises(ConfigError, match="does not decrypt the patient identities"):
            vault.check_identity_key()
    finally:
        app.config["IDENTITY_KEY"] = old_keys


def test_a_long_reason_is_refused_and_says_how_long(world, identity_case):
    with pytest.raises(ValidationFailed, match=r"At most 300 characters \(now 301\)"):
        vault.view_identity(world.reporter, identity_case, "x" * 301)
    assert vault.view_identity(world.reporter, identity_case, "x" * 300)["name"]


def test_a_reason_holding_an_identity_number_is_refused(world, identity_case):
    with pytest.raises(ValidationFailed, match="without the patient's national identity"):
        vault.view_identity(world.reporter, identity_case, "Sjekke 151086 95088 i DIPS")


def _untouched_since(report, moment):
    report.updated_at = moment  # set explicitly, the flush keeps it
    db.session.flush()


def test_a_draft_left_behind_loses_its_identity_after_the_retention(world):
    world.hospital.is_patient_identity_wanted = True
    draft = create_draft(world.reporter, world.report_input(patient_identity=IDENTITY),
                         now=MONDAY)
    _untouched_since(draft, MONDAY)
    assert vault.delete_expired_identities(now=MONDAY + timedelta(days=29)) == 0
    assert vault.delete_expired_identities(now=MONDAY + timedelta(days=31)) == 1
    assert db.session.get(PatientIdentity, draft.id) is None
    assert draft.identity_deleted_at == MONDAY + timedelta(days=31)


def test_a_case_nobody_moves_loses_its_identity_after_a_year(world, identity_case):
    _untouched_since(identity_case, MONDAY)
    days = vault.STALLED_CASE_DAYS
    assert vault.delete_expired_identities(now=MONDAY + timedelta(days=days - 1)) == 0
    assert db.session.get(PatientIdentity, identity_case.id) is not None
    assert vault.delete_expired_identities(now=MONDAY + timedelta(days=days + 1)) == 1
    assert identity_case.events[-1].kind == "identity_deleted"
