"""The Content-Security-Policy in a real browser: every page's scripts still run under it,
and nothing the policy refuses is asked for."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def policy_violations(page: Any) -> list[str]:
    """Collects what Chromium refused under the policy while the page lives."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


@pytest.mark.parametrize(("user", "path"), [
    ("melder.kommune", "/"),
    ("melder.kommune", "/reports/new"),
    ("leder.sykehus", "/reports/?view=inbox"),
    ("kvalitet", "/dashboards/"),
    ("koordinator.kommune", "/measures/"),
    ("koordinator.kommune", "/auth/profile"),
])
def test_pages_run_their_scripts_without_a_refusal(new_page, user, path):
    page = new_page(user)
    refused = policy_violations(page)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert refused == []


def test_the_dashboard_draws_its_charts_under_the_policy(new_page):
    page = new_page("kvalitet")
    refused = policy_violations(page)
    page.goto("/dashboards/")
    expect(page.locator("canvas").first).to_be_visible()
    drawn = page.locator("canvas").first.evaluate("canvas => canvas.width > 0")
    assert drawn and refused == []


def test_the_api_docs_start_swagger_ui_without_an_inline_script(new_page):
    page = new_page("koordinator.kommune")
    refused = policy_violations(page)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible(timeout=15_000)
    assert refused == []


def test_no_page_can_frame_a_signed_in_page(new_page, live_server):
    page = new_page("melder.kommune")
    # A page showing our case list, signed in, in a frame. It is served on our own origin
    # (by the browser itself), which the policy refuses too: Chromium's local-network
    # checks would stop another origin's frame here before the policy is reached.
    html = f'<iframe id="victim" src="{live_server.url}/reports/"></iframe>'
    page.route(f"{live_server.url}/framing-page", lambda route: route.fulfill(
        status=200, content_type="text/html", body=html))
    page.goto("/framing-page")
    page.wait_for_load_state("networkidle")
    victim = page.frames[1]
    assert victim.url.startswith("chrome-error://")  # Chromium's page for a refused frame
    expect(page.frame_locator("#victim").get_by_role("heading")).to_have_count(0)
