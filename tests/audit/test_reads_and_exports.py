"""Reading a case, the committee's agenda, and every export, on the trail."""

from __future__ import annotations

import pytest

from avvik.committee.decisions import set_meeting
from avvik.committee.models import AgendaSource
from avvik.committee.services import add_meeting, place_on_agenda
from avvik.reports.vault import store_identity
from avvik.users.models import Role
from tests.api.conftest import bearer
from tests.audit.conftest import entries, facts
from tests.conftest import post_form
from tests.factories import make_user
from tests.reports.test_pages_form import browser_for
from tests.reports.world import EVENT_DAY


@pytest.fixture
def case(world):
    return world.routed_case()


@pytest.fixture
def item(world, case):
    return place_on_agenda(case, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                           actor=world.hospital_coordinator)


@pytest.fixture
def secretary(world):
    return make_user("secretary", roles=[(Role.SECRETARIAT, world.clinic.parent)])


def reads(case) -> list[tuple]:
    return [(e.actor_id, e.detail["via"])
            for e in entries("report.read", object_type="report", object_id=case.id)]


def test_the_case_page_and_the_apis_case_are_reads(app, client, world, case):
    browser_for(app, world.ward_handler).get(f"/reports/{case.id}")
    response = client.get(f"/api/v1/reports/{case.id}", headers=bearer(world.reporter))
    assert response.status_code == 200 and response.get_json()["id"] == case.id
    assert reads(case) == [(world.ward_handler.id, "page"), (world.reporter.id, "api")]


def test_a_case_the_user_may_not_see_leaves_no_read(app, client, world, case):
    assert browser_for(app, world.outsider).get(f"/reports/{case.id}").status_code == 404
    response = client.get(f"/api/v1/reports/{case.id}", headers=bearer(world.outsider))
    assert response.status_code == 404
    assert reads(case) == []


def test_an_identity_view_is_recorded_with_its_reason(app, world, case):
    store_identity(case, "Ola Pasientsen", "15108695088")
    browser = browser_for(app, world.ward_handler)
    post_form(browser, f"/reports/{case.id}/identity",
              {"identity-reason": "Trenger journalen for gjennomgang"},
              token_from=f"/reports/{case.id}")
    [entry] = entries("identity.viewed")
    assert facts(entry) == ("identity.viewed", world.ward_handler.id, "report", case.id, {})
    assert entry.reason == "Trenger journalen for gjennomgang"
    assert "15108695088" not in repr(vars(entry)) and "Pasientsen" not in repr(vars(entry))


def test_the_committees_pages_and_api_are_reads(app, client, world, case, item, secretary):
    meeting = add_meeting(secretary, item.health_community_id, EVENT_DAY, "Novembermøtet")
    set_meeting(secretary, item, meeting)
    browser = browser_for(app, secretary)
    browser.get(f"/committee/items/{item.id}")
    browser.get(f"/committee/meetings/{meeting.id}")
    browser.get(f"/committee/meetings/{meeting.id}?download=1")
    auth = bearer(secretary)
    assert client.get("/api/v1/committee/agenda", headers=auth).status_code == 200
    assert client.get(f"/api/v1/committee/agenda/{item.id}", headers=auth).status_code == 200
    assert reads(case) == [(secretary.id, "committee"), (secretary.id, "api_committee")]
    agenda = [facts(e) for e in entries() if e.action.startswith("agenda.")]
    assert agenda == [
        ("agenda.read", secretary.id, "meeting", meeting.id, {"report_ids": [case.id]}),
        ("agenda.exported", secretary.id, "meeting", meeting.id, {"report_ids": [case.id]}),
        ("agenda.read", secretary.id, "agenda", None,
         {"via": "api", "count": 1, "report_ids": [case.id]}),
    ]


def test_statistics_and_case_list_exports_are_recorded(app, world, case):
    browser = browser_for(app, world.admin)
    query = "from=2026-01&to=2026-12"
    assert browser.get(f"/dashboards/export/per_month.xlsx?{query}").status_code == 200
    assert browser.get(f"/dashboards/cases.csv?{query}").status_code == 200
    assert [facts(e) for e in entries() if e.action.endswith(".exported")] == [
        ("stats.exported", world.admin.id, "export", None,
         {"table": "per_month", "format": "xlsx", "from": "2026-01", "to": "2026-12"}),
        ("cases.exported", world.admin.id, "export", None,
         {"format": "csv", "free_text": True, "from": "2026-01", "to": "2026-12"}),
    ]
