"""What an audit entry holds: who (as named then), when, what, from where, which request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from avvik.audit.models import AuditEntry
from avvik.audit.services import audit
from avvik.extensions import db
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD, make_user


def test_an_entry_names_the_actor_as_they_were_called_then(db_session, clock):
    kari = make_user("kari", full_name="Kari Nordmann")
    audit("report.read", "report", 12, actor=kari, detail={"via": "page"})
    kari.full_name, kari.username = "Kari Hansen", "kari.hansen"
    db.session.flush()
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.actor_id, entry.actor_username, entry.actor_name) == (
        kari.id, "kari", "Kari Nordmann")
    assert (entry.at, entry.action, entry.object_type, entry.object_id, entry.detail) == (
        clock.now, "report.read", "report", 12, {"via": "page"})


def test_outside_a_request_there_is_no_client_address_or_request_id(db_session):
    audit("identity.rotated", "vault", None, detail={"re_encrypted": 3})
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.actor_id, entry.actor_name, entry.client_address, entry.request_id) == (
        None, None, None, None)


def test_an_entry_of_a_request_has_its_client_address_and_request_id(app, client):
    kari = make_user("kari")
    client.environ_base.update(REMOTE_ADDR="10.20.30.40",
                               HTTP_X_REQUEST_ID="req-0123456789abcdef")
    login(client, "kari", DEFAULT_PASSWORD)
    entry = db.session.scalars(select(AuditEntry).filter_by(action="auth.signed_in")).one()
    assert (entry.actor_id, entry.client_address, entry.request_id) == (
        kari.id, "10.20.30.40", "req-0123456789abcdef")


@pytest.mark.parametrize(("action", "detail", "problem"), [
    ("report.looked_at", {}, "unknown audit action"),
    ("report.read", {"text": "x" * 201}, "not a small fact"),
    ("report.read", {"nested": {"a": 1}}, "not a small fact"),
])
def test_an_unknown_action_or_a_detail_that_is_not_a_small_fact_is_refused(
        db_session, action, detail, problem):
    with pytest.raises(ValueError, match=problem):
        audit(action, "report", 1, detail=detail)
