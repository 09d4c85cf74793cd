"""Agreements through the pages, with the real CSRF token."""

from __future__ import annotations

import re

from avvik.catalog.models import Agreement
from avvik.extensions import db
from tests.conftest import post_form
from tests.factories import make_agreement, make_health_community


def _agreement(community_id: int, number: str) -> Agreement | None:
    return db.session.execute(
        db.select(Agreement).filter_by(health_community_id=community_id, number=number)
    ).scalar_one_or_none()


def _form(**changes: object) -> dict:
    data = {"number": "5a", "title": "Utskrivningsklare pasienter", "legal_point": "5",
            "acknowledge_days": "2", "answer_days": "15"}
    return {**data, **changes}


def test_new_agreement_form_offers_the_default_deadlines(admin_client, community):
    page = admin_client.get(f"/catalog/agreements/new?community={community.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'name="acknowledge_days"[^>]*value="2"', html)
    assert re.search(r'name="answer_days"[^>]*value="15"', html)


def test_admin_creates_an_agreement(admin_client, community):
    url = f"/catalog/agreements/new?community={community.id}"
    response = post_form(admin_client, url, _form())
    assert response.status_code == 302
    agreement = _agreement(community.id, "5a")
    assert agreement is not None
    assert (agreement.legal_point, agreement.acknowledge_days, agreement.answer_days) == (
        5, 2, 15)
    assert agreement.is_active
    listing = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Utskrivningsklare pasienter" in listing


def test_local_agreement_has_no_legal_point(admin_client, community):
    url = f"/catalog/agreements/new?community={community.id}"
    post_form(admin_client, url, _form(number="L1", legal_point=""))
    assert _agreement(community.id, "L1").legal_point is None


def test_admin_edits_an_agreement(admin_client, community):
    agreement = make_agreement("3", health_community=community)
    url = f"/catalog/agreements/{agreement.id}/edit"
    assert admin_client.get(url).status_code == 200
    response = post_form(admin_client, url, _form(number="3b", title="Innleggelse",
                                                  answer_days="10"))
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert (agreement.number, agreement.title, agreement.answer_days) == ("3b", "Innleggelse",
                                                                        10)


def test_admin_deactivates_and_reactivates_an_agreement(admin_client, community):
    agreement = make_agreement("7", title="Forskning", health_community=community)
    index = f"/catalog/?community={community.id}"
    url = f"/catalog/agreements/{agreement.id}/active"
    response = post_form(admin_client, url, {"active": "0"}, token_from=index)
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert not agreement.is_active
    listing = admin_client.get(index).get_data(as_text=True)
    assert 'class="muted"' in listing and "ds-tag" in listing and "Reactivate" in listing

    post_form(admin_client, url, {"active": "1"}, token_from=index)
    db.session.refresh(agreement)
    assert agreement.is_active
    assert db.session.get(Agreement, agreement.id) is not None


def test_duplicate_number_is_refused_on_the_field_and_input_kept(admin_client, community):
    make_agreement("5A", health_community=community)
    url = f"/catalog/agreements/new?community={community.id}"
    response = post_form(admin_client, url, _form(title="Ny tittel som blir stående"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already has an agreement with number 5a" in html
    assert 'id="number-error"' in html
    assert 'value="Ny tittel som blir stående"' in html
    assert _agreement(community.id, "5a") is None


def test_same_number_is_allowed_in_another_community(admin_client, community):
    make_agreement("5a", health_community=make_health_community())
    response = post_form(admin_client, f"/catalog/agreements/new?community={community.id}",
                         _form())
    assert response.status_code == 302
    assert _agreement(community.id, "5a") is not None


def test_deadlines_out_of_range_are_refused_on_their_fields(admin_client, community):
    url = f"/catalog/agreements/new?community={community.id}"
    response = post_form(admin_client, url, _form(acknowledge_days="-1", answer_days="0"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="acknowledge_days-error"' in html and 'id="answer_days-error"' in html
    assert 'value="-1"' in html and 'value="Utskrivningsklare pasienter"' in html
    assert _agreement(community.id, "5a") is None


def test_acknowledge_deadline_may_not_pass_the_answer_deadline(admin_client, community):
    agreement = make_agreement("2", health_community=community)
    response = post_form(admin_client, f"/catalog/agreements/{agreement.id}/edit",
                         _form(number="2", acknowledge_days="20", answer_days="10"))
    assert 'id="acknowledge_days-error"' in response.get_data(as_text=True)
    db.session.refresh(agreement)
    assert agreement.acknowledge_days == 2


def test_expired_csrf_token_keeps_what_was_typed(admin_client, community):
    url = f"/catalog/agreements/new?community={community.id}"
    admin_client.get(url)
    response = admin_client.post(url, data={**_form(title="Skrevet før utløp"),
                                            "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Skrevet før utløp"' in html
    assert _agreement(community.id, "5a") is None


def test_agreement_pages_of_unknown_rows_are_404(admin_client, community):
    assert admin_client.get("/catalog/agreements/999999/edit").status_code == 404
    assert admin_client.get("/catalog/agreements/new?community=999999").status_code == 404
    assert admin_client.get("/catalog/agreements/new").status_code == 404
