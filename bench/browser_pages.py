"""The heavy pages as a reader meets them: the system Chromium under Playwright, signed
in as the secretariat, each page timed from the start of navigation until the load event
has fired and the charts drawn up front are drawn (static/js/dashboards.js counts them in
``data-charts-drawn``; the measures' evaluations and the yearly report's run charts are
SVG drawn on the server, ``svg_charts``). Server time is part of it; the figure is what a
person waits for. Then the yearly report's PDF, made on the server.
"""

from __future__ import annotations

import shutil
import time
from typing import Any

from avvik.core.timeutil import oslo_today
from avvik.demo.people import DEMO_PASSWORD
from bench.load import percentile

VIEWER = "sekretariat"
#: The charts static/js/dashboards.js draws before any scrolling (DRAWN_AT_ONCE).
DRAWN_AT_ONCE = 3
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]

READY = """(atOnce) => {
    if (!document.documentElement) return false;  // the new document is not there yet
    const figures = document.querySelectorAll("figure[data-chart]").length;
    const drawn = Number(document.documentElement.dataset.chartsDrawn || 0);
    return document.readyState === "complete" && drawn >= Math.min(atOnce, figures);
}"""


PARTS = """() => {
    const n = performance.getEntriesByType("navigation")[0];
    return {response_end: n.responseEnd, dom_ready: n.domContentLoadedEventEnd,
            load_end: n.loadEventEnd};
}"""


def pages() -> dict[str, str]:
    return {"measures_dashboard": "/dashboards/measures",
            "yearly": f"/dashboards/yearly/{oslo_today().year - 1}",
            "measures": "/measures/"}


def _pdf_figures(page: Any, path: str, repeats: int) -> dict[str, Any]:
    """The yearly report's PDF, made on the server: the time until its last byte, its
    size and pages, fetched with the signed-in browser's cookies."""
    from io import BytesIO

    from pypdf import PdfReader

    times, body = [], b""
    for i in range(repeats + 1):
        started = time.perf_counter()
        response = page.request.get(path)
        body = response.body()
        if i:
            times.append(time.perf_counter() - started)
    return {"p50_ms": round(percentile(times, 0.5) * 1000, 1),
            "p95_ms": round(percentile(times, 0.95) * 1000, 1),
            "pages": len(PdfReader(BytesIO(body)).pages), "kilobytes": len(body) // 1024}


def run(port: int, repeats: int) -> dict[str, Any]:
    """{page: p50_ms, p95_ms, charts, dom_nodes} in Chromium at 1280x800."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        return {"skipped": "chromium is not installed"}
    base = f"http://localhost:{port}"
    out: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=base, locale="nb-NO",
                                          viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto("/auth/login")
            page.locator("input[name=username]").fill(VIEWER)
            page.locator("input[name=password]").fill(DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("input[name=password]").press("Enter")
            for name, path in pages().items():
                times, parts = [], []
                for i in range(repeats + 1):
                    page.goto(path, wait_until="commit")
                    page.wait_for_function(READY, arg=DRAWN_AT_ONCE, timeout=30_000)
                    if i:  # the first one warms the server and the browser's cache
                        times.append(page.evaluate("performance.now()") / 1000)
                        parts.append(page.evaluate(PARTS))
                out[name] = {
                    "p50_ms": round(percentile(times, 0.5) * 1000, 1),
                    "p95_ms": round(percentile(times, 0.95) * 1000, 1),
                    # Where the time goes, medians: the server's answer, the HTML parsed,
                    # the load event (styles, scripts, fonts).
                    **{f"{key}_p50_ms": round(percentile([p[key] for p in parts], 0.5), 1)
                       for key in ("response_end", "dom_ready", "load_end")},
                    "charts": page.locator("figure[data-chart]").count(),
                    "charts_drawn": page.evaluate(
                        "Number(document.documentElement.dataset.chartsDrawn || 0)"),
                    "svg_charts": page.locator("svg.svg-chart").count(),
                    "dom_nodes": page.evaluate("document.getElementsByTagName('*').length"),
                }
            out["yearly_pdf"] = _pdf_figures(page, pages()["yearly"] + ".pdf", repeats)
        finally:
            browser.close()
    return out
