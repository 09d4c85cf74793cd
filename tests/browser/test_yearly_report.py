"""The yearly report in the real browser: drawn without scripts, limited to one
municipality, and its PDF link gives the same report as a PDF made on the server."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.slow

#: Sees every count exactly: the small demo history has charts for it.
ADMIN = "admin"


def test_the_pdf_link_gives_the_limited_report_as_a_pdf(new_page, check_accessibility):
    page = new_page(ADMIN)
    page.goto("/dashboards/yearly/")
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    # The charts are SVG from the server: nothing left to draw once the page is there.
    assert page.locator("svg.svg-chart").count() >= 1
    assert page.locator("canvas").count() == 0
    check_accessibility(page)

    scope = page.get_by_label("Limited to")
    option = scope.locator("option").nth(1)
    label = option.inner_text()
    scope.select_option(value=option.get_attribute("value"))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"Limited to: {label}")).to_be_visible()

    link = page.get_by_role("link", name="The report as PDF")
    href = link.get_attribute("href")
    assert re.search(r"/dashboards/yearly/\d{4}\.pdf\?scope=", href)
    response = page.request.get(href)  # the browser's own cookies: signed in
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.body()))
    first = pdf.pages[0].extract_text()
    assert "Summary" in first and label in first and "Page 1 / " in first
