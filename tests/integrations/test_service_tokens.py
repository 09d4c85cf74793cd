"""Service tokens: issued by an administrator on the integrations page, shown once,
scoped (read, or read and file), revocable, expiring, and no way to sign in."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from avvik.api.models import ApiToken
from avvik.api.services import hash_token
from avvik.audit.models import AuditEntry
from avvik.extensions import db
from avvik.integrations.accounts import NO_PASSWORD, READ_FILE
from avvik.reports.models import Report
from tests.api.conftest import report_body
from tests.conftest import login, post_form
from tests.factories import DEFAULT_PASSWORD
from tests.integrations.conftest import file_case, service_auth

TOKEN = re.compile(r'id="new-token" type="text" readonly value="([^"]+)"')


def test_an_administrator_issues_a_token_shown_once_and_stored_hashed(client, world):
    assert login(client, world.admin.username, DEFAULT_PASSWORD).status_code == 302
    page = post_form(client, f"/integrations/{world.kommune.id}/tokens",
                     {"name": "Kvalitetssystem", "scope": "read"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    plain = TOKEN.search(page.get_data(as_text=True)).group(1)
    token = db.session.scalar(select(ApiToken).filter_by(name="Kvalitetssystem"))
    assert token.token_hash == hash_token(plain) and plain not in token.token_hash
    assert token.scope == "read" and token.issued_by_id == world.admin.id
    assert token.user.service_organization_id == world.kommune.id
    # Listed afterwards without the token itself.
    again = client.get(f"/integrations/{world.kommune.id}").get_data(as_text=True)
    assert "Kvalitetssystem" in again and plain not in again and token.prefix in again
    [entry] = db.session.scalars(select(AuditEntry).filter_by(action="service_token.issued"))
    assert (entry.actor_id, entry.object_id) == (world.admin.id, token.id)
    assert entry.detail["organization_id"] == world.kommune.id


def test_a_name_is_required_and_what_was_typed_stays(client, world):
    login(client, world.admin.username, DEFAULT_PASSWORD)
    page = post_form(client, f"/integrations/{world.kommune.id}/tokens",
                     {"name": "", "scope": "read_file"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Give the token a name." in html
    assert 'selected value="read_file"' in html
    assert db.session.scalar(select(ApiToken.id)) is None


def test_the_page_is_for_administrators_only(client, world):
    login(client, world.kommune_coordinator.username, DEFAULT_PASSWORD)
    assert client.get(f"/integrations/{world.kommune.id}").status_code == 403


def test_a_read_token_reads_and_nothing_more(client, world, clock):
    auth = service_auth(world, world.kommune)
    report = file_case(world)
    assert client.get(f"/api/v1/reports/{report.id}", headers=auth).status_code == 200
    refused = client.post("/api/v1/reports", json=report_body(world), headers=auth)
    assert refused.status_code == 403
    assert "only read" in refused.get_json()["detail"]
    step = client.post(f"/api/v1/reports/{report.id}/comments", json={"text": "Hei"},
                       headers=auth)
    assert step.status_code == 403
    assert db.session.scalar(select(Report.id).where(Report.id != report.id)) is None


def test_a_file_token_files_a_report_for_its_organisation(client, world, clock):
    auth = service_auth(world, world.kommune, READ_FILE)
    body = report_body(world, reporting_unit_id=world.home_care_district.id)
    response = client.post("/api/v1/reports", json=body, headers=auth)
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["reporting_organization"]["id"] == world.kommune.id
    assert case["reporter"]["name"] == f"{world.kommune.name} (kvalitetssystem)"
    # A unit of another organisation is not its own.
    other = client.post("/api/v1/reports", headers=auth, json=report_body(
        world, reporting_unit_id=world.ward.id))
    assert other.status_code == 422
    assert "reporting_unit_id" in other.get_json()["errors"]["json"]
    # Filing is all: no step on a case.
    answer = client.post(f"/api/v1/reports/{case['id']}/close", json={}, headers=auth)
    assert answer.status_code == 403


def test_a_revoked_or_expired_token_is_refused(client, world, clock):
    auth = service_auth(world, world.kommune)
    assert client.get("/api/v1/reports", headers=auth).status_code == 200
    token = db.session.scalar(select(ApiToken))
    login(client, world.admin.username, DEFAULT_PASSWORD)
    done = post_form(client, f"/integrations/{world.kommune.id}/tokens/{token.id}/revoke", {},
                     token_from=f"/integrations/{world.kommune.id}")
    assert done.status_code == 302
    assert client.get("/api/v1/reports", headers=auth).status_code == 401
    assert db.session.scalars(select(AuditEntry.action).filter_by(
        object_id=token.id)).all() == ["service_token.issued", "service_token.revoked"]

    later = service_auth(world, world.kommune)
    clock.shift(timedelta(days=365))
    assert client.get("/api/v1/reports", headers=later).status_code == 401


def test_a_token_of_another_organisation_is_not_revoked_here(client, world):
    service_auth(world, world.hospital)
    token = db.session.scalar(select(ApiToken))
    login(client, world.admin.username, DEFAULT_PASSWORD)
    refused = post_form(client, f"/integrations/{world.kommune.id}/tokens/{token.id}/revoke",
                        {}, token_from=f"/integrations/{world.kommune.id}")
    assert refused.status_code == 404
    assert token.revoked_at is None


def test_the_service_account_cannot_sign_in(client, world):
    service_auth(world, world.kommune)
    token = db.session.scalar(select(ApiToken))
    account = token.user
    assert account.password_hash == NO_PASSWORD
    for password in (NO_PASSWORD, "", DEFAULT_PASSWORD):
        response = login(client, account.username, password)
        assert response.status_code == 200  # the form again, refused
        assert "/auth/login" not in response.headers.get("Location", "")
    assert client.get("/auth/profile").status_code in (302, 401)


def test_the_service_account_is_kept_off_the_users_list(client, world):
    service_auth(world, world.kommune)
    login(client, world.admin.username, DEFAULT_PASSWORD)
    html = client.get("/users/").get_data(as_text=True)
    assert world.reporter.full_name in html and "(kvalitetssystem)" not in html
