"""The steady use of the soak (tests/tasks/test_soak.py): clients that file cases, a reader.

Two clients file over the API and one through the web form, as a person would (sign in,
load the form, post it with its CSRF token); the reader, signed in as the reporter's
leader, loads the front page, the case list, the newest case and /health. Every request
goes to the system under test on the loopback address with a time limit, and every
failure is written down, never retried. Each thread stops on its own after the soak's
time or its bounded number of requests.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from tests.tasks.embedded import DEMO_USER, REPORTER, Browser, api, get

T = TypeVar("T")

API_CLIENTS = 2
#: Between two filings of one client, and between two rounds of the reader.
FILING_PAUSE_SECONDS = 1.0
READING_PAUSE_SECONDS = 0.5
REPORT_PAGE = re.compile(r"/reports/(\d+)")
REPORTING_UNIT = re.compile(r'name="reporting_unit_id"[^>]*><option selected value="(\d+)"')


class Load:
    """The clients and the reader, and what they saw: the cases filed, the failures."""

    def __init__(self, base: str, body: dict[str, Any], token: str, seconds: float) -> None:
        self.base, self.body, self.token, self.seconds = base, body, token, seconds
        self.ends_at = 0.0
        self.stop = threading.Event()
        self.filed: list[int] = []
        self.failures: list[str] = []
        self.health_answers: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    @contextmanager
    def running(self) -> Iterator[Load]:
        """Run the threads for ``seconds``, or until the block ends; wait for them."""
        work = [self.file_over_api] * API_CLIENTS + [self.file_through_form, self.read]
        threads = [threading.Thread(target=self._guarded, args=(job,), daemon=True)
                   for job in work]
        self.ends_at = time.monotonic() + self.seconds
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(120)
                if thread.is_alive():
                    self.fail(f"a client did not stop: {thread.name}")

    def file_over_api(self) -> None:
        def file() -> int | str:
            case = api(self.base, self.token, "/reports", self.body)
            return case["id"] if case.get("status") == "submitted" else f"answered {case}"

        self._keep_filing("POST /api/v1/reports", file)

    def file_through_form(self) -> None:
        browser = self._signed_in(REPORTER)
        if browser is None:
            return
        form = self.attempt("GET /reports/new", lambda: browser.open("/reports/new"))
        unit = REPORTING_UNIT.search(form[1]) if form else None
        if unit is None:
            self.fail("the report form offers the reporter no reporting unit")
            return
        fields = {**self.body, "reporting_unit_id": unit.group(1), "submit": "1"}

        def file() -> int | str:
            url, _page = browser.submit("/reports/new", fields)
            page = REPORT_PAGE.fullmatch(urlsplit(url).path)
            return int(page.group(1)) if page else f"led to {url}"

        self._keep_filing("POST /reports/new", file)

    def read(self) -> None:
        browser = self._signed_in(DEMO_USER)
        if browser is None:
            return
        for _ in self._rounds(READING_PAUSE_SECONDS):
            paths = ["/", "/reports/"] + [f"/reports/{self.filed[-1]}"] * bool(self.filed)
            for path in paths:
                self.attempt(f"GET {path}", lambda path=path: browser.open(path))
            self.attempt("GET /health", self._health)

    def attempt(self, what: str, call: Callable[[], T]) -> T | None:
        """``call()``, or None with the failure written down (any error, any error status)."""
        try:
            return call()
        except urllib.error.HTTPError as error:
            self.fail(f"{what}: HTTP {error.code}: {error.read()[:500]!r}")
        except Exception as error:  # refused, reset, timed out, half an answer...
            self.fail(f"{what}: {type(error).__name__}: {error}")
        return None

    def fail(self, failure: str) -> None:
        with self._lock:
            self.failures.append(f"{time.monotonic() - self.ends_at + self.seconds:.1f} s "
                                 f"into the soak: {failure}")

    def _keep_filing(self, what: str, file: Callable[[], int | str]) -> None:
        """File a case each round: ``file`` returns its id, or what went wrong."""
        for _ in self._rounds(FILING_PAUSE_SECONDS):
            outcome = self.attempt(what, file)
            if isinstance(outcome, int):
                with self._lock:
                    self.filed.append(outcome)
            elif outcome is not None:
                self.fail(f"{what}: {outcome}")

    def _rounds(self, pause: float) -> Iterator[int]:
        """Round numbers until the soak's time is up; bounded whatever the clock does."""
        for number in range(int(self.seconds / pause) + 1):
            if self.stop.is_set() or time.monotonic() >= self.ends_at:
                return
            yield number
            self.stop.wait(pause)

    def _signed_in(self, username: str) -> Browser | None:
        browser = Browser(self.base)
        landed = self.attempt(f"sign in as {username}", lambda: browser.sign_in(username))
        if landed is None or urlsplit(landed[0]).path != "/":
            self.fail(f"{username} could not sign in")
            return None
        return browser

    def _health(self) -> None:
        status, body = get(f"{self.base}/health")
        answer = json.loads(body)
        if status != (200 if answer["healthy"] else 503):
            self.fail(f"GET /health answered {status}: {answer}")
        with self._lock:
            self.health_answers.append(answer)

    def _guarded(self, job: Callable[[], None]) -> None:
        try:
            job()
        except Exception as error:  # a fault of the client itself: fail the soak, loudly
            self.fail(f"{job.__name__} stopped: {type(error).__name__}: {error}")
