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
