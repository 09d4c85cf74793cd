"""The report form files once: a page posted twice gives one report, answered alike.

Posts here follow one another; tests/reports/test_submit_once_race.py sends them at the
same moment on committed data.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from avvik.extensions import db
from avvik.outbox.models import OutboxMessage
from avvik.reports.models import ReportEvent, ReportStatus
from tests.conftest import csrf_token_from
from tests.reports.test_pages_form import browser_for, form_data, reports_of

FORM_TOKEN = re.compile(r'name="form_token"[^>]*value="([^"]+)"|'
                        r'value="([^"]+)"[^>]*name="form_token"')


def form_token_from(html: str) -> str:
    found = FORM_TOKEN.search(html)
    assert found, "the page has no one-time form token"
    return found.group(1) or found.group(2)


def open_form(browser, url: str) -> dict[str, str]:
    """The hidden fields a browser posts back with the form at ``url``."""
    html = browser.get(url).get_data(as_text=True)
    return {"csrf_token": csrf_token_from(html), "form_token": form_token_from(html)}


def flashes(browser, location: str) -> str:
    return browser.get(location).get_data(as_text=True)


def test_each_page_of_the_form_has_a_token_of_its_own(app, world, clock):
    browser = browser_for(app, world.reporter)
    first, second = open_form(browser, "/reports/new"), open_form(browser, "/reports/new")
    assert first["form_token"] != second["form_token"]
    assert len(first["form_token"]) >= 22  # 128 random bits
    html = browser.get("/reports/new").get_data(as_text=True)
    [tag] = re.findall(r'<input[^>]*name="form_token"[^>]*>', html)
    assert 'type="hidden"' in tag
    assert "data-submit-once" in html
    assert re.search(r'src="/static/js/submit-once\.[0-9a-f]{12}\.js"', html)


def test_a_submission_posted_twice_files_one_report_and_answers_both_alike(
        app, world, clock):
    browser = browser_for(app, world.reporter)
    page = open_form(browser, "/reports/new")
    first = browser.post("/reports/new", data={**page, **form_data(world)})
    second = browser.post("/reports/new", data={**page, **form_data(world)})

    [report] = reports_of(world.reporter)
    assert report.status == ReportStatus.SUBMITTED
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == f"/reports/{report.id}"
    assert f"Report {report.case_number} is submitted." in flashes(browser, f"/reports/{report.id}")
    routing = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.task == "reports.route"))
    assert routing == 1  # routed and e-mailed once


def test_a_draft_saved_twice_from_one_page_is_one_draft(app, world, clock):
    browser = browser_for(app, world.reporter)
    page = open_form(browser, "/reports/new")
    data = {**page, "description": "Halvferdig.", "save_draft": "1",
            "reporting_unit_id": str(world.home_care_district.id)}
    answers = [browser.post("/reports/new", data=data) for _ in range(2)]

    [draft] = reports_of(world.reporter)
    assert draft.status == ReportStatus.DRAFT
    assert {a.headers["Location"] for a in answers} == {f"/reports/{draft.id}/edit"}


def test_a_draft_submitted_twice_from_its_page_is_filed_once(app, world, clock):
    browser = browser_for(app, world.reporter)
    browser.post("/reports/new", data={**open_form(browser, "/reports/new"),
                                       "description": "Halvferdig.", "save_draft": "1"})
    [draft] = reports_of(world.reporter)
    page = open_form(browser, f"/reports/{draft.id}/edit")
    data = {**page, **form_data(world, description="Epikrise mangler.")}
    first = browser.post(f"/reports/{draft.id}/edit", data=data)
    # The draft is a case now: the repeat is answered as the first post, not refused.
    second = browser.post(f"/reports/{draft.id}/edit", data=data)

    assert first.headers["Location"] == second.headers["Location"] == f"/reports/{draft.id}"
    db.session.refresh(draft)
    assert draft.status == ReportStatus.SUBMITTED
    html = flashes(browser, f"/reports/{draft.id}")
    assert f"Report {draft.case_number} is submitted." in html
    assert "Only a draft can be changed" not in html
    submitted = db.session.scalar(select(func.count()).select_from(ReportEvent).where(
        ReportEvent.report_id == draft.id, ReportEvent.kind == "submitted"))
    assert submitted == 1


def test_a_draft_saved_from_its_page_twice_then_submitted_from_a_new_page(app, world, clock):
    browser = browser_for(app, world.reporter)
    browser.post("/reports/new", data={**open_form(browser, "/reports/new"),
                                       "description": "Første utkast.", "save_draft": "1"})
    [draft] = reports_of(world.reporter)
    page = open_form(browser, f"/reports/{draft.id}/edit")
    for _ in range(2):
        saved = browser.post(f"/reports/{draft.id}/edit", data={
            **page, "description": "Andre utkast.", "save_draft": "1"})
        assert saved.headers["Location"] == f"/reports/{draft.id}/edit"

    # A new page is a new post: the draft is submitted, not taken for a repeat.
    filed = browser.post(f"/reports/{draft.id}/edit", data={
        **open_form(browser, f"/reports/{draft.id}/edit"), **form_data(world)})
    assert filed.headers["Location"] == f"/reports/{draft.id}"
    db.session.refresh(draft)
    assert draft.status == ReportStatus.SUBMITTED and len(reports_of(world.reporter)) == 1


def test_a_new_page_files_a_new_report(app, world, clock):
    browser = browser_for(app, world.reporter)
    for _ in range(2):
        browser.post("/reports/new", data={**open_form(browser, "/reports/new"),
                                           **form_data(world)})
    reports = reports_of(world.reporter)
    assert len(reports) == 2 and reports[0].case_number != reports[1].case_number


def test_a_refused_post_keeps_its_token_and_the_corrected_one_files(app, world, clock):
    browser = browser_for(app, world.reporter)
    page = open_form(browser, "/reports/new")
    refused = browser.post("/reports/new", data={**page, **form_data(world, agreement_id="")})
    assert refused.status_code == 422
    assert form_token_from(refused.get_data(as_text=True)) == page["form_token"]

    filed = browser.post("/reports/new", data={**page, **form_data(world)})
    [report] = reports_of(world.reporter)
    assert filed.headers["Location"] == f"/reports/{report.id}"


def test_the_token_is_the_reporters_own(app, world, clock):
    # Another reporter's post with the same token is a report of their own.
    page = open_form(browser_for(app, world.reporter), "/reports/new")
    browser = browser_for(app, world.reporter)
    browser.post("/reports/new", data={**open_form(browser, "/reports/new"),
                                       "form_token": page["form_token"], **form_data(world)})
    other = browser_for(app, world.kommune_leader)
    answer = other.post("/reports/new", data={
        **open_form(other, "/reports/new"), "form_token": page["form_token"],
        **form_data(world, reporting_unit_id=str(world.home_care.id))})
    assert answer.status_code == 302
    [own] = reports_of(world.kommune_leader)
    assert answer.headers["Location"] == f"/reports/{own.id}"
    assert len(reports_of(world.reporter)) == 1


def test_a_post_without_a_token_still_files(app, world, clock):
    # A page loaded before the token existed, or a script: filed, as before.
    browser = browser_for(app, world.reporter)
    page = open_form(browser, "/reports/new")
    answer = browser.post("/reports/new", data={"csrf_token": page["csrf_token"],
                                                **form_data(world)})
    [report] = reports_of(world.reporter)
    assert answer.headers["Location"] == f"/reports/{report.id}"
