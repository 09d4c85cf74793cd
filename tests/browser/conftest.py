"""Real-browser tests: the system Chromium, driven by Playwright, against the live app.

Fixtures for every browser test in this folder (write ``tests/browser/test_*.py`` and mark
it ``@pytest.mark.slow``):

``browser`` (session)
    Playwright's Chromium, launched from the system's ``chromium`` (Debian's package,
    found on the PATH); never a downloaded browser, never ``playwright install``. Without
    it the tests skip with the reason, or fail when AVVIK_TEST_REQUIRE_SERVICES=1.

``live_server`` (module, once per database: ``sqlite`` and ``postgresql``)
    The real app served over HTTP by werkzeug in a background thread, on a database of
    its own holding the demo data (committed: the server sees it; a test's rolled-back
    transaction would not be seen). CSRF is on and the session cookie is ``Secure``, as
    users meet the app: Chromium sends Secure cookies over plain http to ``localhost``
    only, so ``.url`` is ``http://localhost:<port>``. Attributes: ``.url``, ``.app``
    (for ``with live_server.app.app_context():`` to look at or change the data the way a
    worker would; commit what you change), ``.database`` and ``.errors`` (exceptions the
    server raised; ``new_page`` reports any raised during a test as an error at teardown).
    Each module gets its own server and databases: data one module changes stays there.
    The demo history holds ``HISTORY_SIZE`` (200) cases up to the moment the server starts.

``new_page`` (function)
    ``new_page(user=None, password=DEMO_PASSWORD)`` opens a page in a fresh browser
    context (own cookies; English, Europe/Oslo, the server's URL as base so
    ``page.goto("/reports/")`` works). With ``user`` it signs that demo user in through
    the login page first. Contexts are closed after the test.

``check_accessibility`` (function)
    ``check_accessibility(page)`` runs axe-core (axe-playwright-python) on the page as it
    is and fails on any violation of impact "serious" or "critical", printing each one
    with the elements it was found on. Returns the list of lesser violations.

Demo logins (password ``DEMO_PASSWORD``): melder.kommune, leder.kommune,
koordinator.kommune, melder.sykehus, leder.sykehus, koordinator.sykehus, kvalitet,
sekretariat, admin, melder.annen (avvik/demo/people.py says what each one is).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, got_request_exception
from werkzeug.serving import make_server

from avvik.app import create_app
from avvik.demo.people import DEMO_PASSWORD
from avvik.demo.services import DEFAULT_SEED, load_demo_data
from avvik.extensions import db
from config import TestingConfig
from tests.clock import Clock
from tests.services import fresh_postgres_database, missing_service

#: Enough cases for the lists to have pages, few enough to load in about a second.
HISTORY_SIZE = 200
#: Chromium as root in a container, quiet: no sandbox (root), no GPU, no /dev/shm (small
#: in containers), and none of the background traffic a test machine has no use for.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
#: What axe-core may report without failing a test.
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The system Chromium under Playwright, shared by every browser test."""
    executable = shutil.which("chromium")
    if executable is None:
        missing_service("chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do (set_default_timeout below): with three test
    # processes on two cores a form's answer can take longer than Playwright's 5 s.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class LiveServer:
    url: str
    app: Flask
    database: str
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def live_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                system_clock: Clock) -> Iterator[LiveServer]:
    """The app over HTTP on a fresh database with the demo data, for one test module."""
    instance_dir = tmp_path_factory.mktemp(f"browser-{request.param}")
    # The browser and the server's threads run on the real clock; the history ends now.
    now = system_clock.now
    if request.param == "sqlite":
        yield from _serve(f"sqlite:///{instance_dir / 'browser.sqlite3'}", instance_dir,
                          request.param, now)
    else:
        with fresh_postgres_database("avvik_browser") as url:
            yield from _serve(url, instance_dir, request.param, now)


def _serve(database_url: str, instance_dir: Path, database: str, now: datetime
           ) -> Iterator[LiveServer]:
    app = create_app(_config(database_url, instance_dir))
    with app.app_context():
        db.create_all()
        load_demo_data(now=now, seed=DEFAULT_SEED, history_size=HISTORY_SIZE,
                       environment="testing")
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(f"http://localhost:{server.server_port}", app, database)
    app.config["BASE_URL"] = live.url

    def record(_sender: Flask, exception: BaseException, **_extra: Any) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, app, weak=False)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        got_request_exception.disconnect(record, app)
        with app.app_context():
            db.engine.dispose()


def _config(database_url: str, instance_dir: Path) -> TestingConfig:
    with _environment(AVVIK_INSTANCE_DIR=str(instance_dir)):
        config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    # As in production: the session cookie only over a secure channel. Chromium counts
    # http://localhost as one (a "potentially trustworthy origin").
    config.SESSION_COOKIE_SECURE = True
    assert getattr(config, "WTF_CSRF_ENABLED", True), "browser tests keep CSRF on"
    return config


@contextmanager
def _environment(**settings: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """``new_page(user=None, password=DEMO_PASSWORD)``: a page in a browser of its own."""
    contexts: list[Any] = []
    seen_errors = len(live_server.errors)

    def open_page(user: str | None = None, password: str = DEMO_PASSWORD) -> Any:
        context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                      timezone_id="Europe/Oslo")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            sign_in(page, user, password)
        return page

    yield open_page
    for context in contexts:
        context.close()
    errors = live_server.errors[seen_errors:]
    assert not errors, f"the server raised during the test: {errors!r}"


def sign_in(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login page as a person would, and land on the start page."""
    from playwright.sync_api import expect

    page.goto("/auth/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def check_accessibility() -> Callable[[Any], list[dict[str, Any]]]:
    """``check_accessibility(page)``: no serious or critical axe-core violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page: Any) -> list[dict[str, Any]]:
        violations = axe.run(page).response["violations"]
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(f"axe-core on {page.url} ({page.title()}):\n"
                        + "\n".join(_describe(v) for v in blocking), pytrace=False)
        return violations

    return check


def _describe(violation: dict[str, Any]) -> str:
    nodes = "\n".join(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}\n"
                      f"      {node.get('failureSummary', '')}".rstrip()
                      for node in violation["nodes"][:10])
    return (f"  [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})\n{nodes}")
