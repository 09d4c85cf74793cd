"""The agenda's pages: who reads them, the secretariat's steps, refusals keeping the text."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from avvik.committee.models import AgendaSource, AgendaStatus, Meeting
from avvik.committee.services import place_on_agenda
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage
from avvik.reports.vault import store_identity
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def item(world, case, secretary):
    placed = place_on_agenda(case, reason="Uenige om ansvaret for legemiddellisten.",
                             source=AgendaSource.FLAGGED, actor=world.hospital_coordinator)
    db.session.flush()
    return placed


def _as(client, user):
    login(client, user.username, DEFAULT_PASSWORD)
    return client


def test_the_secretariat_sees_the_agenda_and_opens_the_case(client, world, item, case):
    _as(client, world.reporter)  # a reporter has no agenda
    assert client.get("/committee/").status_code == 403
    assert client.get(f"/committee/items/{item.id}").status_code == 404


def test_the_agenda_and_the_item_for_the_secretariat(client, secretary, item, case):
    _as(client, secretary)
    agenda = client.get("/committee/").get_data(as_text=True)
    assert case.case_number in agenda and "Samarbeidsutvalget" in agenda
    assert "Committee agenda" in client.get("/").get_data(as_text=True)
    page = client.get(f"/committee/items/{item.id}").get_data(as_text=True)
    assert "Pasienten kom hjem uten legemiddelliste." in page  # the free text
    assert "Uenige om ansvaret" in page and "Record the conclusion" in page


def test_never_the_patient_identity(client, secretary, item, case):
    store_identity(case, "Kari Nordmann", "15076500565")
    db.session.flush()
    _as(client, secretary)
    page = client.get(f"/committee/items/{item.id}").get_data(as_text=True)
    assert "Kari Nordmann" not in page and "15076500565" not in page
    # The case page reads the case on the agenda, its identity still the parties' alone.
    case_page = client.get(f"/reports/{case.id}")
    assert case_page.status_code == 200
    html = case_page.get_data(as_text=True)
    assert "Kari Nordmann" not in html and 'id="reads-only"' in html
    assert f"/reports/{case.id}/identity" not in html


def test_a_committee_member_reads_only(client, member, item):
    _as(client, member)
    page = client.get(f"/committee/items/{item.id}").get_data(as_text=True)
    assert "Uenige om ansvaret" in page and "Record the conclusion" not in page
    response = post_form(client, f"/committee/items/{item.id}/conclusion",
                         {"conclusion-conclusion": "Vedtak.",
                          "conclusion-follow_up_note": "Noen"},
                         token_from="/committee/", follow_redirects=True)
    assert "Only the committee&#39;s secretariat can do this." in response.get_data(as_text=True)
    assert db.session.get(type(item), item.id).conclusion is None


def test_meeting_conclusion_and_return_reach_the_parties(client, world, secretary, item,
                                                         case):
    _as(client, secretary)
    url = f"/committee/items/{item.id}"
    response = post_form(client, f"{url}/meeting",
                         {"meeting-held_on": "05.01.2027", "meeting-title": "Januarmøtet"},
                         token_from=url)
    assert response.status_code == 302
    meeting = db.session.execute(select(Meeting)).scalar_one()
    assert meeting.held_on == date(2027, 1, 5)
    # Refused: no conclusion typed; what was typed in the other field is kept.
    refused = post_form(client, f"{url}/conclusion",
                        {"conclusion-follow_up_note": "Arbeidsgruppe for utskrivning"},
                        token_from=url)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "Write the committee&#39;s conclusion." in body
    assert "Arbeidsgruppe for utskrivning" in body
    done = post_form(client, f"{url}/conclusion", {
        "conclusion-conclusion": "Sykehuset sender legemiddelliste ved utskrivning.",
        "conclusion-follow_up_organization_id": str(world.hospital.id),
        "conclusion-follow_up_note": "Klinikksjef"}, token_from=url)
    assert done.status_code == 302
    returned = post_form(client, f"{url}/resolve", {"resolve-outcome": "returned"},
                         token_from=url, follow_redirects=True)
    assert "the parties are told" in returned.get_data(as_text=True)
    db.session.expire_all()
    resolved = db.session.get(type(item), item.id)
    assert resolved.status == AgendaStatus.RETURNED
    kinds = [e.kind for e in resolved.report.events]
    assert "committee_concluded" in kinds and "committee_returned" in kinds
    told = sorted(p["user_id"] for p in db.session.execute(select(OutboxMessage.payload)
                  .where(OutboxMessage.task == "mail.send")).scalars()
                  if p["template"] == "committee_resolved")
    assert told == sorted({world.reporter.id, world.ward_leader.id,
                           world.kommune_coordinator.id, world.hospital_coordinator.id})
    # The parties read the conclusion on the case's timeline.
    reporter = _as(new_browser(client.application), world.reporter)
    case_page = reporter.get(f"/reports/{case.id}").get_data(as_text=True)
    assert "Sykehuset sender legemiddelliste ved utskrivning." in case_page
    assert "The joint committee concluded" in case_page
    # Resolved: no more steps.
    again = post_form(client, f"{url}/resolve", {"resolve-outcome": "closed"},
                      token_from="/committee/", follow_redirects=True)
    assert "left the agenda already" in again.get_data(as_text=True)


def test_the_agenda_to_hand_out(client, world, secretary, item, case):
    meeting = Meeting(health_community_id=item.health_community_id, held_on=date(2027, 1, 5),
                      title="Januarmøtet")
    world.hospital.health_community.committee_name = "OSU"
    db.session.add(meeting)
    item.meeting = meeting
    item.conclusion = "Sykehuset følger opp."
    db.session.flush()
    _as(client, secretary)
    response = client.get(f"/committee/meetings/{meeting.id}?download=1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="agenda-2027-01-05.html"')
    text = response.get_data(as_text=True)
    for expected in ("OSU", "Januarmøtet", case.case_number, "Pasienten kom hjem uten",
                     "Uenige om ansvaret", "Sykehuset følger opp.", "1 case"):
        assert expected in text
    reporter = _as(new_browser(client.application), world.reporter)
    assert reporter.get(f"/committee/meetings/{meeting.id}").status_code == 404
