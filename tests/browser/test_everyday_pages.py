"""Small things a clinician meets on every visit, in the real browser: the site's icon, the
notice about text kept on the device, what the profile offers."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def failed_requests(page: Any, path: str) -> list[str]:
    """The requests that failed (status 400 and up) while ``path`` loaded."""
    failed: list[str] = []
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return failed


def test_pages_load_their_icon_and_nothing_fails(new_page, check_accessibility):
    page = new_page()
    assert failed_requests(page, "/auth/login") == []
    check_accessibility(page)
    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_attribute("type", "image/svg+xml")
    answer = page.request.get("/favicon.ico")  # asked for by tools that read no page
    assert answer.status == 200 and answer.body()[:4] == b"\x00\x00\x01\x00"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800},
                                      {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_a_case_with_several_text_forms_says_once_that_unsent_text_is_kept(
        new_page, check_accessibility, viewport):
    page = new_page("leder.sykehus")  # leads the ward the demo routes medication cases to
    page.set_viewport_size(viewport)
    page.goto("/reports/?view=inbox&status=routed")
    page.locator("table tbody a[href^='/reports/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case SA-")
    assert page.locator("form[data-keep-key]").count() >= 3  # answer, forward, comment
    notice = page.get_by_text("Text you have not sent yet is kept in this browser")
    expect(notice).to_have_count(1)
    expect(notice).to_be_visible()  # the script ran and keeps text here
    check_accessibility(page)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800},
                                      {"width": 390, "height": 844}], ids=["desktop", "phone"])
@pytest.mark.parametrize(("user", "offered"), [("melder.kommune", False),
                                               ("leder.sykehus", False),
                                               ("koordinator.kommune", True),
                                               ("kvalitet", True)])
def test_the_profile_offers_api_tokens_only_to_roles_that_set_up_integrations(
        new_page, check_accessibility, viewport, user, offered):
    page = new_page(user)
    page.set_viewport_size(viewport)
    page.goto("/auth/profile")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="API tokens")).to_have_count(1 if offered else 0)
    check_accessibility(page)
    assert page.request.get("/api-tokens/").status == (200 if offered else 403)


def test_the_token_page_shows_a_new_token_with_its_expiry(new_page, check_accessibility):
    page = new_page("koordinator.kommune")
    page.goto("/api-tokens/")
    page.get_by_label("Name of the token").fill("Kvalitetssystem")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("It works until")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Expires")).to_be_visible()
    expect(page.get_by_role("button", name="Revoke Kvalitetssystem").first).to_be_visible()
    check_accessibility(page)
