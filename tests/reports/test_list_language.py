"""The list filter's labels follow the reader's language, request by request."""

from __future__ import annotations

import re

from avvik.extensions import db
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD


def filter_labels(app, user, locale: str) -> tuple[list[str], list[str]]:
    """(the status checkboxes' labels, the sort options) of the list as ``user`` reads it."""
    user.locale = locale
    db.session.flush()
    browser = new_browser(app)
    assert login(browser, user.username, DEFAULT_PASSWORD).status_code == 302
    html = browser.get("/reports/").get_data(as_text=True)
    statuses = re.findall(r'<label class="ds-label"[^>]*for="status-[a-z_]+">([^<]+)</label>',
                          html)
    sort = re.search(r'<select[^>]*name="sort"[^>]*>(.*?)</select>', html, re.S)
    assert sort is not None, "the list has a sort choice"
    return statuses, re.findall(r"<option[^>]*>([^<]+)</option>", sort.group(1))


def test_the_filter_speaks_bokmal_to_a_bokmal_reader_and_english_to_an_english_one(app,
                                                                                    world):
    statuses, sort = filter_labels(app, world.reporter, "nb")
    assert statuses[:2] == ["Utkast", "Venter på godkjenning"]
    assert "Draft" not in statuses
    assert sort[:2] == ["Opprettet", "Sendt inn"]
    assert "Svarfrist" in sort
    # The same process, the next request: the labels are not fixed at the first reading.
    statuses, sort = filter_labels(app, world.ward_handler, "en")
    assert statuses[:2] == ["Draft", "Awaiting approval"]
    assert sort[:2] == ["Created", "Submitted"]
