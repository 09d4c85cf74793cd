"""The report form in the browser: filing, drafts, and nothing typed is ever lost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from avvik.extensions import db
from avvik.reports import vault
from avvik.reports.models import Report, ReportStatus
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD
from tests.reports.world import EVENT_DAY

#: A valid national identity number (fictional), and one with a wrong check digit.
NATIONAL_ID = "15076500565"
NOT_AN_ID = "15076500566"


def browser_for(app, user):
    user.locale = "en"  # the assertions read the messages as the code writes them
    db.session.flush()
    browser = new_browser(app)
    assert login(browser, user.username, DEFAULT_PASSWORD).status_code == 302
    return browser


def form_data(world, **changes):
    data = {
        "reporting_unit_id": str(world.home_care_district.id),
        "receiving_organization_id": str(world.hospital.id),
        "receiving_unit_id": "",
        "agreement_id": str(world.agreement.id),
        "transition_id": str(world.discharge.id),
        "category_id": str(world.medication.id),
        "event_date": EVENT_DAY.isoformat(),
        "discovered_date": EVENT_DAY.isoformat(),
        "description": "Pasienten kom hjem uten legemiddelliste.",
        "immediate_measures": "Ringte sengeposten.",
        "suggestion": "Sjekkliste ved utskrivning.",
        "consequence": "minor",
        "potential_consequence": "moderate",
        "submit": "1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def reports_of(user) -> list[Report]:
    return list(db.session.scalars(select(Report).filter_by(reporter_id=user.id)
                                   .order_by(Report.id)))


@pytest.mark.clock
def test_new_report_form_is_prefilled_and_groups_categories_by_phase(app, world, clock):
    html = browser_for(app, world.reporter).get("/reports/new").get_data(as_text=True)
    # The event is today in Norway (not UTC), shown day first whatever the browser's locale.
    assert f'data-today="{clock.today.isoformat()}"' in html
    assert re.search(rf'id="event_date"[^>]*value="{clock.today:%d.%m.%Y}"', html)
    assert re.search(rf'<option selected value="{world.home_care_district.id}"', html)
    assert re.search(r'<optgroup label="C Utskrivning" data-group="\d+">', html)
    assert 'data-group="any"' in html  # "Other" is offered in every phase
    assert "Minor" in html and "a dose given two hours late" in html
    assert '<legend class="ds-label">Actual consequence</legend>' in html
    assert 'type="radio"' in html and 'name="potential_consequence"' in html
    assert "kept in this browser on this device" in html
    assert "patient-identity" not in html  # no receiving organisation asks for it


@pytest.mark.clock
def test_filing_a_report_through_the_form_shows_the_case_number(app, world, clock):
    browser = browser_for(app, world.reporter)
    today = clock.today.isoformat()  # Norway's, also when UTC is still on the day before
    response = post_form(browser, "/reports/new",
                         form_data(world, event_date=today, discovered_date=today))
    assert response.status_code == 302
    report = reports_of(world.reporter)[0]
    assert report.status == ReportStatus.SUBMITTED
    assert response.headers["Location"] == f"/reports/{report.id}"
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert report.case_number == f"SA-{clock.today.year}-00001"
    assert report.case_number in page
    assert "Pasienten kom hjem uten legemiddelliste." in page
    assert "Sjekkliste ved utskrivning." in page


def test_validation_error_keeps_every_typed_value_and_points_at_the_field(app, world):
    browser = browser_for(app, world.reporter)
    response = post_form(browser, "/reports/new", form_data(world, agreement_id=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert reports_of(world.reporter) == []  # nothing half-saved
    assert 'href="#agreement_id"' in html  # the error summary links to the field
    assert re.search(r'id="agreement_id"[^>]*aria-invalid="true"|'
                     r'aria-invalid="true"[^>]*id="agreement_id"', html)
    assert "Choose the agreement." in html
    assert "Pasienten kom hjem uten legemiddelliste." in html
    assert "Ringte sengeposten." in html and "Sjekkliste ved utskrivning." in html
    assert re.search(r'value="minor"[^>]*checked', html)
    assert re.search(r'value="moderate"[^>]*checked', html)
    assert re.search(rf'<option value="{world.medication.id}" selected>', html)
    assert f'value="{EVENT_DAY:%d.%m.%Y}"' in html


def test_identity_number_in_the_text_is_refused_showing_where_it_is(app, world):
    browser = browser_for(app, world.reporter)
    text = f"Gjelder pasient {NATIONAL_ID[:6]} {NATIONAL_ID[6:]}, kom hjem uten liste."
    response = post_form(browser, "/reports/new",
                         form_data(world, description=text, immediate_measures=NOT_AN_ID))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert reports_of(world.reporter) == []
    assert "national identity number at character 17" in html
    assert f"<mark>{NATIONAL_ID[:6]} {NATIONAL_ID[6:]}</mark>" in html
    assert 'href="#description"' in html
    assert text in html  # the text comes back to be corrected
    assert 'href="#immediate_measures"' not in html  # a wrong check digit is no hit


@pytest.mark.clock
def test_future_date_and_category_of_another_phase_are_refused(app, world, clock):
    browser = browser_for(app, world.reporter)
    tomorrow = (clock.today + timedelta(days=1)).isoformat()
    response = post_form(browser, "/reports/new", form_data(
        world, event_date=tomorrow, discovered_date="",
        category_id=str(world.admission_only.id)))
    html = response.get_data(as_text=True)
    assert "The date of the event cannot be in the future." in html
    assert "does not belong to the phase of the chosen transition" in html
    assert reports_of(world.reporter) == []


def test_expired_csrf_token_keeps_the_text(app, world):
    browser = browser_for(app, world.reporter)
    data = form_data(world, csrf_token="expired-or-forged")
    response = browser.post("/reports/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The page had expired" in html
    assert "Pasienten kom hjem uten legemiddelliste." in html
    assert re.search(r'value="minor"[^>]*checked', html)
    assert reports_of(world.reporter) == []


def test_draft_is_saved_listed_and_submitted_later(app, world):
    browser = browser_for(app, world.reporter)
    response = post_form(browser, "/reports/new", {
        "description": "Halvferdig: epikrise mangler.", "save_draft": "1",
        "reporting_unit_id": str(world.home_care_district.id)})
    draft = reports_of(world.reporter)[0]
    assert draft.status == ReportStatus.DRAFT and draft.case_number is None
    assert response.headers["Location"] == f"/reports/{draft.id}/edit"
    listing = browser.get("/reports/?view=mine").get_data(as_text=True)
    assert f'href="/reports/{draft.id}/edit"' in listing
    edit_page = browser.get(f"/reports/{draft.id}/edit").get_data(as_text=True)
    assert "Halvferdig: epikrise mangler." in edit_page
    assert f"avvik:{world.reporter.id}:report:{draft.id}" in edit_page  # its own kept text

    response = post_form(browser, f"/reports/{draft.id}/edit",
                         form_data(world, description="Epikrise mangler."))
    assert response.headers["Location"] == f"/reports/{draft.id}"
    db.session.refresh(draft)
    assert draft.status == ReportStatus.SUBMITTED
    assert draft.description == "Epikrise mangler."
    assert len(reports_of(world.reporter)) == 1
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert f"avvik:{world.reporter.id}:report:{draft.id}" in page  # kept text is dropped


def test_a_submitted_report_cannot_be_edited(app, world):
    browser = browser_for(app, world.reporter)
    post_form(browser, "/reports/new", form_data(world))
    report = reports_of(world.reporter)[0]
    response = post_form(browser, f"/reports/{report.id}/edit",
                         form_data(world, description="Endret"), token_from="/reports/")
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.description == "Pasienten kom hjem uten legemiddelliste."
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only a draft can be changed" in page


def test_patient_identity_is_offered_and_stored_only_where_wanted(app, world):
    world.hospital.is_patient_identity_wanted = True
    db.session.flush()
    browser = browser_for(app, world.reporter)
    html = browser.get("/reports/new").get_data(as_text=True)
    assert 'id="patient-identity"' in html and 'data-keep="no"' in html
    assert f'data-identity-orgs="{world.hospital.id}"' in html

    response = post_form(browser, "/reports/new", form_data(
        world, patient_name="Ola Testpasient", patient_national_id="1507650056"))
    assert "Not a valid national identity number" in response.get_data(as_text=True)
    assert "Ola Testpasient" in response.get_data(as_text=True)
    response = post_form(browser, "/reports/new", form_data(
        world, patient_name="Ola Testpasient", patient_national_id=NATIONAL_ID))
    assert response.status_code == 302
    report = reports_of(world.reporter)[0]
    assert vault.has_identity(report)
    assert "Ola Testpasient" not in browser.get(f"/reports/{report.id}").get_data(as_text=True)


def test_identity_for_an_organisation_that_does_not_ask_for_it_is_refused(app, world):
    world.other_kommune.is_patient_identity_wanted = True  # the section is on the page
    db.session.flush()
    browser = browser_for(app, world.reporter)
    response = post_form(browser, "/reports/new", form_data(
        world, patient_name="Ola Testpasient", patient_national_id=NATIONAL_ID))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "does not ask for the patient&#39;s identity" in html
    assert reports_of(world.reporter) == []


def test_report_pages_are_never_cached(app, world):
    response = browser_for(app, world.reporter).get("/reports/new")
    assert response.headers["Cache-Control"] == "no-store"
