"""The menu marks exactly the page the user is on."""

from __future__ import annotations

import re

from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD

CURRENT = re.compile(r'<a class="ds-link" href="([^"]+)" aria-current="page">')


def current_entries(client, url: str) -> list[str]:
    html = client.get(url).get_data(as_text=True)
    menu = html[html.index('<nav class="site-nav"'):html.index("</nav>")]
    return CURRENT.findall(menu)


def test_one_entry_is_current_and_it_is_the_right_one(client, world):
    login(client, world.reporter.username, DEFAULT_PASSWORD)
    assert current_entries(client, "/reports/new") == ["/reports/new"]
    assert current_entries(client, "/reports/") == ["/reports/"]
    assert current_entries(client, "/reports/?view=mine") == ["/reports/"]
    assert current_entries(client, "/") == ["/"]
