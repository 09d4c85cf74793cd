"""The joint committee in the real browser, on the demo's agenda: the secretariat opens the
agenda and a case on it, sets a new meeting, records the conclusion and who follows up, and
returns the case to the parties; the committee member reads it without any step; the
meeting's agenda downloads as a file. Desktop and phone size, axe at each."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from avvik.committee.models import AgendaItem, AgendaStatus
from avvik.core.timeutil import oslo_today
from avvik.demo.structure import COMMITTEE_NAME
from avvik.extensions import db
from tests.browser.test_case_lists import DESKTOP, PHONE
from tests.browser.test_start_page import overflow_free
from tests.clock import Clock

pytestmark = pytest.mark.slow

CONCLUSION = "Sykehuset og kommunen lager felles rutine for hjelpemidler ved utskrivning."


def an_open_item(live_server: Any) -> tuple[int, str]:
    """An open item of the demo's agenda without a conclusion (each test takes its own)."""
    with live_server.app.app_context():
        item = db.session.scalars(select(AgendaItem).where(
            AgendaItem.status == AgendaStatus.OPEN, AgendaItem.conclusion.is_(None))
            .order_by(AgendaItem.id)).first()
        assert item is not None, "the demo has open cases on the agenda"
        found = item.id, item.report.case_number
        db.session.remove()
    return found


def meeting_of(live_server: Any, item_id: int) -> int:
    with live_server.app.app_context():
        found = db.session.get(AgendaItem, item_id).meeting_id
        db.session.remove()
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_secretariat_concludes_and_the_member_reads(
        live_server, new_page, check_accessibility, system_clock: Clock, viewport):
    item_id, number = an_open_item(live_server)
    page = new_page("sekretariat")
    page.set_viewport_size(viewport)
    page.goto("/committee/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The joint committee's agenda")
    expect(page.get_by_role("heading", level=2).first).to_contain_text(COMMITTEE_NAME)
    assert overflow_free(page), viewport
    check_accessibility(page)

    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    check_accessibility(page)
    held_on = oslo_today(system_clock.now) + timedelta(days=30 + (viewport == PHONE))
    page.get_by_label("Or a new meeting on").fill(held_on.strftime("%d.%m.%Y"))
    page.get_by_label("Title of the new meeting").fill("Ekstramøte")
    page.get_by_role("button", name="Set the meeting").click()
    expect(page.get_by_text("The meeting is set.")).to_be_visible()

    page.get_by_label("The committee's conclusion").fill(CONCLUSION)
    page.get_by_label("Organisation that follows up").select_option(index=1)
    page.get_by_label("Who follows up, in words").fill("Fagrådet, innen neste møte")
    page.get_by_role("button", name="Record the conclusion").click()
    expect(page.get_by_text("The conclusion is recorded.")).to_be_visible()
    page.get_by_label("Return to the parties to follow up").check()
    page.get_by_role("button", name="Send to the parties").click()
    expect(page.get_by_text("the parties are told")).to_be_visible()
    expect(page.get_by_role("button", name="Record the conclusion")).to_have_count(0)
    assert overflow_free(page), viewport
    check_accessibility(page)

    member = new_page("utvalg")
    member.set_viewport_size(viewport)
    member.goto(f"/committee/items/{item_id}")
    expect(member.get_by_role("heading", level=1)).to_contain_text(number)
    expect(member.get_by_text(CONCLUSION).first).to_be_visible()  # and on the timeline
    expect(member.get_by_text("Fagrådet, innen neste møte")).to_be_visible()
    expect(member.locator("form[method=post][action*='/committee/']")).to_have_count(0)
    assert overflow_free(member), viewport
    check_accessibility(member)

    # The case itself, from the item: read-only, as the case list shows it to a member.
    member.get_by_role("link", name="The case page").click()
    expect(member.get_by_role("heading", level=1)).to_contain_text(number)
    expect(member.locator("#reads-only")).to_be_visible()
    member.goto("/reports/")
    expect(member.get_by_role("link", name=number)).to_be_visible()
    member.goto(f"/committee/items/{item_id}")

    # The new meeting's agenda, to hand out: the case with its conclusion, saved as a file.
    member.goto(f"/committee/meetings/{meeting_of(live_server, item_id)}")
    expect(member.get_by_role("heading", level=1)).to_contain_text(COMMITTEE_NAME)
    expect(member.get_by_text(CONCLUSION)).to_be_visible()
    check_accessibility(member)
    with member.expect_download() as download:
        member.get_by_role("link", name="Save as a file").click()
    saved = download.value
    assert saved.suggested_filename.startswith("agenda-")
    assert CONCLUSION in Path(saved.path()).read_text(encoding="utf-8")
