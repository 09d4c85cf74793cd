"""Filing a report the short way in Chromium: how long it takes and how tall the form is.

The browser test (tests/browser/test_filing_quickly.py) shows that it can be done in six
steps within three phone screens; this measures it, at phone size (390x844, touch) and at
desktop size, on the demo data over SQLite served by the app in this process, as the
browser tests serve it. The figure is the machine's part of the two minutes: the page
loads, the script's offers, the post and the case page; a person's reading and typing
come on top.

    .venv/bin/python -m bench.filing            # writes bench/results/filing.json
"""

from __future__ import annotations

import json
import logging
import shutil
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, _serve, sign_in
from tests.browser.filing import (
    PHONE,
    REPORTER,
    context_for,
    fill_the_short_way,
    form_height,
)

REPEATS = 5
RESULTS = Path(__file__).parent / "results" / "filing.json"


@contextmanager
def _server() -> Any:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        serving = _serve(url, Path(folder), "sqlite", datetime.now(UTC))
        live = next(serving)
        try:
            yield live
        finally:
            next(serving, None)


def _one(browser: Any, base_url: str, size: str) -> dict[str, Any]:
    context = context_for(browser, base_url, size)
    try:
        page = context.new_page()
        sign_in(page, REPORTER)
        started = time.perf_counter()
        page.goto("/reports/new")
        page.wait_for_load_state("load")
        loaded = time.perf_counter()
        height = form_height(page)
        page_height = page.evaluate("document.documentElement.scrollHeight")
        way = fill_the_short_way(page)
        expect(page.get_by_role("heading", level=1)).to_contain_text("SA-")
        done = time.perf_counter()
        return {"steps": len(way.steps), "form_px": round(height),
                "page_px": page_height, "load_ms": (loaded - started) * 1000,
                "fill_and_file_ms": (done - loaded) * 1000,
                "total_ms": (done - started) * 1000}
    finally:
        context.close()


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install -y chromium)")
    results: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                               "repeats": REPEATS,
                               "before": {"phone_page_px": 4734, "phone_page_screens": 5.6,
                                          "consequence_px": 2147, "required_choices": 8,
                                          "source": "issue #15"}}
    with _server() as live, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for size in ("phone", "desktop"):
                runs = [_one(browser, live.url, size) for _ in range(REPEATS)]
                results[size] = {
                    "steps": runs[0]["steps"], "form_px": runs[0]["form_px"],
                    "page_px": runs[0]["page_px"],
                    "form_screens": round(runs[0]["form_px"] / PHONE["height"], 2),
                    "page_screens": round(runs[0]["page_px"] / PHONE["height"], 2),
                    **{f"{key}_median": round(statistics.median(r[key] for r in runs), 1)
                       for key in ("load_ms", "fill_and_file_ms", "total_ms")},
                }
                print(size, json.dumps(results[size]))
        finally:
            browser.close()
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
