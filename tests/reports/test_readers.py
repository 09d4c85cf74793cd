"""Those who count the cases read them (avvik/reports/scope.py, README "Who reads which
cases"): the quality adviser the cases of its organisation, the secretariat those on its
committee's agenda, or its whole health community when AVVIK_SECRETARIAT_READS says so.
Both read the free text, take no step and never see the patient identity, in the pages
and the API alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from avvik.committee.models import AgendaSource
from avvik.committee.services import place_on_agenda
from avvik.core.errors import PermissionDenied
from avvik.extensions import db
from avvik.measures.services import MeasureInput, create_measure
from avvik.reports import vault
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services import create_draft, submit_report
from avvik.reports.services.validation import PatientIdentityInput
from avvik.routing.services import route_report
from avvik.stats.filters import StatsFilter
from avvik.stats.services import build_table
from avvik.users.models import Role, User
from tests.api.conftest import bearer
from tests.factories import make_health_community, make_organization, make_unit, make_user
from tests.reports.test_pages_case import browser_for, kinds, step
from tests.reports.world import World

IDENTITY = PatientIdentityInput("Ola Testpasient", "15076500565")
YEAR = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))


@dataclass
class Cases:
    own: Report  #: from the kommune's home care to the hospital's ward, with an identity
    foreign: Report  #: from the other kommune to the hospital's other ward
    elsewhere: Report  #: from the kommune to the other kommune: not the hospital's
    draft: Report  #: the reporter's draft to the hospital


def _filed(reporter: User, world: World, **overrides: object) -> Report:
    report = create_draft(reporter, world.report_input(**overrides))
    submit_report(reporter, report)
    route_report(report)
    return report


@pytest.fixture
def cases(world: World) -> Cases:
    world.hospital.is_patient_identity_wanted = True
    db.session.flush()
    outsider_unit = world.outsider.memberships[0].unit_id
    cases = Cases(
        own=_filed(world.reporter, world, patient_identity=IDENTITY),
        foreign=_filed(world.outsider, world, reporting_unit_id=outsider_unit,
                       category_id=world.other.id, receiving_unit_id=world.other_ward.id),
        elsewhere=_filed(world.reporter, world, receiving_organization_id=world.other_kommune.id,
                         category_id=world.other.id),
        draft=create_draft(world.reporter, world.report_input()))
    db.session.flush()
    return cases


def _adviser(world: World) -> User:
    return make_user("kvalitet", roles=[(Role.QUALITY_ADVISER, world.clinic.parent)])


def _secretary(world: World) -> User:
    return make_user("sekretariat", roles=[(Role.SECRETARIAT, world.home_care.parent)])


def _listed(browser, query: str = "") -> str:
    return browser.get(f"/reports/{query}").get_data(as_text=True)


def test_the_quality_adviser_lists_and_opens_the_cases_of_its_organisation(app, world, cases):
    browser = browser_for(app, _adviser(world))
    html = _listed(browser)  # every case it may see, without asking for the list
    assert cases.own.case_number in html and cases.foreign.case_number in html
    assert cases.elsewhere.case_number not in html and "2 cases" in html
    page = browser.get(f"/reports/{cases.own.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Pasienten kom hjem uten legemiddelliste." in text  # the free text
    assert 'id="reads-only"' in text and "What you can do now" not in text
    assert f"/reports/{cases.own.id}/comment" not in text  # no form of any step
    for hidden in (cases.elsewhere, cases.draft):
        assert browser.get(f"/reports/{hidden.id}").status_code == 404


def test_a_quality_adviser_of_another_organisation_reads_none_of_them(app, world, cases):
    other = make_user("kvalitet2", roles=[(Role.QUALITY_ADVISER, world.other_kommune.units[0])])
    browser = browser_for(app, other)
    assert browser.get(f"/reports/{cases.own.id}").status_code == 404
    assert browser.get(f"/reports/{cases.foreign.id}").status_code == 200  # reported by it
    assert cases.own.case_number not in _listed(browser)


@pytest.mark.parametrize("reader", ["adviser", "secretary"])
def test_readers_take_no_step_in_the_pages_or_the_api(app, client, world, cases, reader):
    user = _adviser(world) if reader == "adviser" else _secretary(world)
    place_on_agenda(cases.own, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                    actor=world.hospital_coordinator)
    db.session.flush()
    before, status = kinds(cases.own), cases.own.status
    browser = browser_for(app, user)
    for name, fields in (("acknowledge", {}), ("comment", {"text": "Jeg mener noe."}),
                         ("answer", {"cause": "Årsak.", "measures": "Tiltak."}),
                         ("forward", {"unit_id": world.other_ward.id, "reason": "Feil."})):
        response = step(browser, cases.own, name, **fields)
        assert response.status_code in (302, 400), name
        follow = browser.get(f"/reports/{cases.own.id}").get_data(as_text=True)
        assert "Jeg mener noe." not in follow
    headers = bearer(user)
    for rule, body in (("acknowledge", {}), ("comments", {"text": "Kommentar"}),
                       ("answer", {"cause": "Årsak", "measures": "Tiltak"})):
        response = client.post(f"/api/v1/reports/{cases.own.id}/{rule}", json=body,
                               headers=headers)
        assert response.status_code == 403, rule
    db.session.refresh(cases.own)
    assert (kinds(cases.own), cases.own.status) == (before, status)


@pytest.mark.parametrize("reader", ["adviser", "secretary"])
def test_readers_never_see_the_patient_identity(app, world, cases, reader):
    user = _adviser(world) if reader == "adviser" else _secretary(world)
    place_on_agenda(cases.own, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                    actor=world.hospital_coordinator)
    browser = browser_for(app, user)
    html = browser.get(f"/reports/{cases.own.id}").get_data(as_text=True)
    assert "Show the patient identity" not in html and "Ola Testpasient" not in html
    response = step(browser, cases.own, "identity", reason="Vil se hvem det gjelder.")
    assert response.status_code == 404
    assert not vault.may_view_identity(user, cases.own)
    with pytest.raises(PermissionDenied):
        vault.view_identity(user, cases.own, "Vil se hvem det gjelder.")
    assert "identity_viewed" not in kinds(cases.own)


def test_the_api_lists_and_reads_what_the_pages_do(client, world, cases):
    headers = bearer(_adviser(world))
    listed = client.get("/api/v1/reports?per_page=100", headers=headers).get_json()
    assert {item["case_number"] for item in listed["items"]} == {
        cases.own.case_number, cases.foreign.case_number}
    one = client.get(f"/api/v1/reports/{cases.own.id}", headers=headers)
    assert one.status_code == 200 and "Ola" not in one.get_data(as_text=True)
    assert one.get_json()["has_patient_identity"] is True  # a yes or no, never the identity
    assert client.get(f"/api/v1/reports/{cases.elsewhere.id}",
                      headers=headers).status_code == 404


def test_the_secretariat_reads_the_cases_on_its_committees_agenda(app, client, world, cases):
    secretary = _secretary(world)
    browser, headers = browser_for(app, secretary), bearer(secretary)
    assert browser.get(f"/reports/{cases.own.id}").status_code == 404
    assert client.get(f"/api/v1/reports/{cases.own.id}", headers=headers).status_code == 404
    place_on_agenda(cases.own, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                    actor=world.hospital_coordinator)
    db.session.flush()
    assert browser.get(f"/reports/{cases.own.id}").status_code == 200
    html = _listed(browser)
    assert cases.own.case_number in html and cases.foreign.case_number not in html
    listed = client.get("/api/v1/reports", headers=headers).get_json()
    assert [item["case_number"] for item in listed["items"]] == [cases.own.case_number]
    assert client.get(f"/api/v1/reports/{cases.own.id}", headers=headers).status_code == 200


def test_the_community_setting_lets_the_secretariat_read_every_case_of_its_community(
        app, client, world, cases, monkeypatch):
    monkeypatch.setitem(app.config, "SECRETARIAT_READS", "community")
    secretary = _secretary(world)
    elsewhere_community = make_health_community("Helsefellesskap Annet")
    stranger = make_user("fremmed", roles=[(Role.SECRETARIAT, make_unit(
        "Fjernvik kommune", organization=make_organization(
            "Fjernvik kommune", health_community=elsewhere_community)))])
    listed = client.get("/api/v1/reports?per_page=100", headers=bearer(secretary)).get_json()
    assert {item["case_number"] for item in listed["items"]} == {
        cases.own.case_number, cases.foreign.case_number, cases.elsewhere.case_number}
    browser = browser_for(app, secretary)
    assert browser.get(f"/reports/{cases.draft.id}").status_code == 404
    assert browser.get(f"/reports/{cases.elsewhere.id}").status_code == 200
    assert client.get("/api/v1/reports", headers=bearer(stranger)).get_json()["items"] == []


def test_small_counts_follow_what_the_viewer_may_open(app, world, monkeypatch):
    # One rule (README, "Small counts in statistics"): exact only for who may open every
    # case behind a figure, so the setting moves the secretariat's figures with its reading.
    from tests.stats.data import make_case

    make_case(world, event_date=date(2026, 3, 1))
    secretary = _secretary(world)
    assert build_table("per_year", secretary, YEAR).records()[0]["total"] == "<5"
    assert build_table("per_year", _adviser(world), YEAR).records()[0]["total"] == 1
    monkeypatch.setitem(app.config, "SECRETARIAT_READS", "community")
    assert build_table("per_year", secretary, YEAR).records()[0]["total"] == 1


def test_measures_are_read_the_same_way(app, world, cases):
    measure = create_measure(world.ward_leader, [cases.own], MeasureInput(
        title="Sjekkliste ved utskrivning", description="Ny sjekkliste",
        owning_unit_id=world.ward.id, due_date=date(2027, 1, 31)))
    db.session.flush()
    adviser = browser_for(app, _adviser(world))
    assert "Sjekkliste ved utskrivning" in adviser.get("/measures/").get_data(as_text=True)
    page = adviser.get(f"/measures/{measure.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and cases.own.case_number in html
    assert f"/measures/{measure.id}/edit" not in html and 'name="case_number"' not in html
    assert adviser.get(f"/measures/{measure.id}/edit").status_code == 403
    secretary = browser_for(app, _secretary(world))
    assert secretary.get(f"/measures/{measure.id}").status_code == 404
    place_on_agenda(cases.own, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                    actor=world.hospital_coordinator)
    db.session.flush()
    assert secretary.get(f"/measures/{measure.id}").status_code == 200


def test_a_report_awaiting_approval_is_no_readers(app, world, cases):
    cases.own.status = ReportStatus.AWAITING_APPROVAL
    db.session.flush()
    browser = browser_for(app, _adviser(world))
    assert browser.get(f"/reports/{cases.own.id}").status_code == 404


def test_a_committee_member_reads_the_agenda_cases_from_the_case_list(
        app, client, world, cases, monkeypatch):
    # The committee's pages link to the case page: it must open, read-only, for a member.
    member = make_user("utvalg", roles=[(Role.COMMITTEE_MEMBER, world.home_care.parent)])
    browser, headers = browser_for(app, member), bearer(member)
    assert browser.get(f"/reports/{cases.own.id}").status_code == 404
    item = place_on_agenda(cases.own, reason="Uenige om ansvaret.",
                           source=AgendaSource.FLAGGED, actor=world.hospital_coordinator)
    db.session.flush()
    item_page = browser.get(f"/committee/items/{item.id}").get_data(as_text=True)
    assert f'href="/reports/{cases.own.id}"' in item_page
    page = browser.get(f"/reports/{cases.own.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Pasienten kom hjem uten legemiddelliste." in html
    assert 'id="reads-only"' in html and "Ola Testpasient" not in html
    assert not vault.may_view_identity(member, cases.own)
    listed = _listed(browser)
    assert cases.own.case_number in listed and cases.foreign.case_number not in listed
    assert cases.own.case_number in _listed(browser, "?view=all")
    response = client.post(f"/api/v1/reports/{cases.own.id}/comments",
                           json={"text": "Kommentar"}, headers=headers)
    assert response.status_code == 403
    # The secretariat's wider setting is the secretariat's: a member reads the agenda.
    monkeypatch.setitem(app.config, "SECRETARIAT_READS", "community")
    api = client.get("/api/v1/reports?per_page=100", headers=headers).get_json()
    assert [i["case_number"] for i in api["items"]] == [cases.own.case_number]
    assert browser.get(f"/reports/{cases.foreign.id}").status_code == 404
