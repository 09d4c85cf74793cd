"""The measures' pages through the test client, signed in, with CSRF on."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from avvik.extensions import db
from avvik.measures.models import Measure, MeasureStatus
from avvik.measures.services import create_measure, link_report, update_measure
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD
from tests.measures.conftest import MONDAY, measure_input, routed_case

VALID_ID = "15017210049"


def signed_in(client, user):
    assert login(client, user.username, DEFAULT_PASSWORD).status_code == 302
    return client


def new_measure_data(world, **overrides) -> dict[str, str]:
    data = {"title": "Ny rutine for legemiddelliste", "description": "Alle skal bruke den.",
            "owning_unit_id": str(world.ward.id), "due_date": "2027-01-15",
            "status": "planned", "start_date": "", "case_numbers": ""}
    data.update(overrides)
    return data


def html_of(response) -> str:
    return response.get_data(as_text=True)


def test_a_leader_creates_a_measure_from_the_case_and_finds_it_in_the_list(
        client, world, case):
    signed_in(client, world.ward_leader)
    url = f"/measures/new?report_id={case.id}"
    page = client.get(url)
    assert page.status_code == 200 and case.case_number in html_of(page)
    assert "Testvik kommune: Hjemmetjenesten" in html_of(page)  # either party's units
    assert "Annenby" not in html_of(page)
    response = post_form(client, url, new_measure_data(world))
    assert response.status_code == 302
    measure = db.session.execute(select(Measure)).scalar_one()
    assert response.headers["Location"] == f"/measures/{measure.id}"
    detail = html_of(client.get(f"/measures/{measure.id}"))
    assert "Ny rutine for legemiddelliste" in detail and case.case_number in detail
    assert "Ny rutine for legemiddelliste" in html_of(client.get("/measures/"))


def test_an_outsider_can_neither_create_nor_see(client, world, case, measure):
    signed_in(client, world.outsider)
    assert client.get(f"/measures/new?report_id={case.id}").status_code == 404
    assert client.get(f"/measures/{measure.id}").status_code == 404
    assert client.get(f"/measures/{measure.id}/edit").status_code == 404
    assert measure.title not in html_of(client.get("/measures/"))


def test_a_handler_may_see_but_not_start_a_measure(client, world, case):
    signed_in(client, world.ward_handler)
    assert client.get(f"/measures/new?report_id={case.id}").status_code == 403
    assert client.get("/measures/new").status_code == 404


def test_errors_come_back_on_their_fields_with_everything_typed(client, world, case):
    signed_in(client, world.ward_leader)
    response = post_form(client, f"/measures/new?report_id={case.id}", new_measure_data(
        world, description=f"Gjelder {VALID_ID} og flere.", case_numbers="SA-2026-99999",
        due_date=""))
    html = html_of(response)
    assert response.status_code == 200
    assert 'id="description-error"' in html and 'id="case_numbers-error"' in html
    assert 'id="due_date-error"' in html
    assert f"Gjelder {VALID_ID} og flere." in html  # kept, for the user to correct
    assert 'value="Ny rutine for legemiddelliste"' in html
    assert db.session.execute(select(Measure)).first() is None


def test_an_expired_csrf_token_shows_the_form_again_with_what_was_typed(
        client, world, case):
    signed_in(client, world.ward_leader)
    response = client.post(f"/measures/new?report_id={case.id}", data=new_measure_data(
        world, title="Tittel som ikke skal gå tapt"))
    assert response.status_code == 400
    assert 'value="Tittel som ikke skal gå tapt"' in html_of(response)
    assert db.session.execute(select(Measure)).first() is None


def test_several_cases_are_linked_at_creation_by_case_number(client, world, case):
    second = routed_case(world)
    signed_in(client, world.hospital_coordinator)
    post_form(client, f"/measures/new?report_id={case.id}",
              new_measure_data(world, case_numbers=second.case_number))
    measure = db.session.execute(select(Measure)).scalar_one()
    assert sorted(r.id for r in measure.reports) == sorted([case.id, second.id])


def test_the_list_marks_overdue_measures(client, world, case):
    create_measure(world.ward_leader, [case],
                   measure_input(world.ward.id, title="Forsinket", due_date=date(2020, 1, 1)))
    create_measure(world.ward_leader, [case],
                   measure_input(world.ward.id, title="Framtidig", due_date=date(2099, 1, 1)))
    signed_in(client, world.ward_handler)
    html = html_of(client.get("/measures/"))
    rows = {title: row for row in re.findall(r"<tr.*?</tr>", html, re.S)
            for title in ("Forsinket", "Framtidig") if title in row}
    assert "Overdue" in rows["Forsinket"] and 'class="is-overdue"' in rows["Forsinket"]
    assert "Overdue" not in rows["Framtidig"]
    only_overdue = html_of(client.get("/measures/?overdue=1"))
    assert "Forsinket" in only_overdue and "Framtidig" not in only_overdue


def test_the_owning_units_handler_edits_the_status(client, world, measure):
    signed_in(client, world.ward_handler)
    url = f"/measures/{measure.id}/edit"
    assert 'value="completed"' in html_of(client.get(url))
    response = post_form(client, url, new_measure_data(world, status="in_progress",
                                                       start_date="2026-11-02"))
    assert response.status_code == 302
    db.session.refresh(measure)
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert measure.start_date == date(2026, 11, 2)


def test_someone_outside_the_owning_unit_may_not_edit(client, world, measure):
    signed_in(client, world.kommune_leader)
    assert client.get(f"/measures/{measure.id}").status_code == 200
    assert client.get(f"/measures/{measure.id}/edit").status_code == 403
    assert client.get(f"/measures/{measure.id}/evaluate").status_code == 403


def test_evaluating_shows_the_counts_and_saves_the_note(client, world, measure):
    update_measure(world.ward_handler, measure, measure_input(
        world.ward.id, status=MeasureStatus.COMPLETED, start_date=date(2026, 6, 1)),
        now=MONDAY)
    signed_in(client, world.ward_handler)
    url = f"/measures/{measure.id}/evaluate"
    page = html_of(client.get(url))
    assert "the owning unit's cases before and after the start" in page and "<svg" in page
    assert 'href="/discharges/"' not in page  # a handler registers no discharges
    leader = new_browser(client.application)
    signed_in(leader, world.ward_leader)
    assert 'href="/discharges/"' in html_of(leader.get(url))  # the ward's leader does
    refused = html_of(post_form(client, url, {"start_date": "2099-12-24",
                                              "evaluation_note": ""}))
    assert 'id="evaluation_note-error"' in refused and 'id="start_date-error"' in refused
    assert 'value="24.12.2099"' in refused  # the same day, as the field shows dates
    response = post_form(client, url, {"start_date": "2026-06-01",
                                       "evaluation_note": "Ingen nye avvik siden juni."})
    assert response.status_code == 302
    detail = html_of(client.get(f"/measures/{measure.id}"))
    assert "Ingen nye avvik siden juni." in detail and "Evaluated" in detail


def test_a_further_case_is_linked_from_the_measure_page(client, world, measure):
    second = routed_case(world)
    signed_in(client, world.ward_leader)
    url = f"/measures/{measure.id}"
    refused = post_form(client, f"{url}/link", {"case_number": "SA-2026-99999"},
                        token_from=url)
    assert refused.status_code == 200 and 'id="case_number-error"' in html_of(refused)
    response = post_form(client, f"{url}/link", {"case_number": second.case_number},
                         token_from=url)
    assert response.status_code == 302
    assert second.case_number in html_of(client.get(url))


def test_a_case_is_unlinked_from_the_measure_page(client, world, measure):
    first = measure.reports[0]
    signed_in(client, world.ward_leader)
    url = f"/measures/{measure.id}"
    assert f"{url}/unlink/" not in html_of(client.get(url))  # the last case stays
    second = routed_case(world)
    post_form(client, f"{url}/link", {"case_number": second.case_number}, token_from=url)
    page = html_of(client.get(url))
    assert f'action="{url}/unlink/{second.id}"' in page
    assert f'href="/reports/{second.id}"' in page
    response = post_form(client, f"{url}/unlink/{second.id}", {}, token_from=url)
    assert response.status_code == 302
    page = html_of(client.get(url))
    assert f"{second.case_number} is no longer linked" in page
    assert f'href="/reports/{second.id}"' not in page
    assert f'href="/reports/{first.id}"' in page
    # The last case cannot go: the page says why, and the case stays.
    refused = post_form(client, f"{url}/unlink/{first.id}", {}, token_from=url)
    assert refused.status_code == 302
    assert "cancel the measure instead" in html_of(client.get(url))
    assert [r.id for r in db.session.get(Measure, measure.id).reports] == [first.id]


def test_someone_who_only_sees_the_measure_cannot_unlink(client, world, measure):
    second = routed_case(world)
    link_report(world.ward_leader, measure, second)
    db.session.commit()
    signed_in(client, world.kommune_leader)
    url = f"/measures/{measure.id}"
    assert second.case_number in html_of(client.get(url))
    assert f"{url}/unlink/" not in html_of(client.get(url))
    response = post_form(client, f"{url}/unlink/{second.id}", {}, token_from=url)
    assert response.status_code == 403
    assert len(db.session.get(Measure, measure.id).links) == 2


def test_cancelling_keeps_the_measure(client, world, measure):
    signed_in(client, world.ward_leader)
    url = f"/measures/{measure.id}"
    response = post_form(client, f"{url}/cancel", {}, token_from=url)
    assert response.status_code == 302
    db.session.refresh(measure)
    assert measure.status == MeasureStatus.CANCELLED
    assert "Cancelled" in html_of(client.get(url))


@pytest.mark.parametrize("who, shows_new", [("ward_leader", True), ("reporter", False)])
def test_the_case_page_partial_lists_measures_and_offers_a_new_one(
        app, world, case, measure, who, shows_new):
    from flask import g, render_template

    with app.test_request_context("/"):
        g._login_user = getattr(world, who)
        html = render_template("measures/_for_case.html", report=case)
    assert f'href="/measures/{measure.id}"' in html and measure.title in html
    assert (f'href="/measures/new?report_id={case.id}"' in html) is shows_new


def test_the_navigation_offers_measures(client, world):
    signed_in(client, world.reporter)
    assert 'href="/measures/"' in html_of(client.get("/"))


def test_anonymous_visitors_are_sent_to_sign_in(client, world, measure):
    for method, url in (("GET", "/measures/"), ("GET", f"/measures/{measure.id}"),
                        ("GET", f"/measures/new?report_id={measure.reports[0].id}"),
                        ("POST", f"/measures/{measure.id}/cancel"),
                        ("POST", f"/measures/{measure.id}/link"),
                        ("POST", f"/measures/{measure.id}/unlink/{measure.reports[0].id}")):
        response = client.open(url, method=method)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/auth/login"), url
    assert db.session.get(Measure, measure.id).status == MeasureStatus.PLANNED
