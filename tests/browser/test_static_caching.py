"""A repeat view in the real browser downloads no static file that has not changed, and the
first view gets them compressed.

The server counts every request for a static file that reaches it: a file the browser
took from its cache without asking is not among them, a revalidation (304) would be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

pytestmark = pytest.mark.slow

SECRETARIAT = "sekretariat"
#: The heaviest page: the design system, the charts library and the dashboards' own files.
DASHBOARD = "/dashboards/"


class StaticRequests:
    """WSGI middleware in front of the live server's app: the static paths asked for."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.paths: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if environ["PATH_INFO"].startswith("/static/"):
            self.paths.append(environ["PATH_INFO"])
        return self.app(environ, start_response)


@pytest.fixture
def static_requests(live_server):
    counting = StaticRequests(live_server.app.wsgi_app)
    live_server.app.wsgi_app = counting
    yield counting
    live_server.app.wsgi_app = counting.app


def test_a_second_view_of_the_dashboard_downloads_no_static_file(new_page, static_requests):
    page = new_page(SECRETARIAT)
    encodings: dict[str, str | None] = {}
    page.on("response", lambda response: encodings.update(
        {response.url: response.headers.get("content-encoding")})
        if "/static/" in response.url and response.status == 200 else None)
    page.goto(DASHBOARD)
    page.wait_for_load_state("networkidle")
    first_view = list(static_requests.paths)
    assert any(path.startswith("/static/vendor/chartjs/") for path in first_view)
    # Text files come compressed (Brotli where the browser offers it, else gzip).
    texts = [url for url in encodings if url.endswith((".css", ".js"))]
    assert texts and all(encodings[url] in ("br", "gzip") for url in texts), encodings

    static_requests.paths.clear()
    page.goto(DASHBOARD)
    page.wait_for_load_state("networkidle")
    page.goto("/")  # another page sharing the same files
    page.wait_for_load_state("networkidle")
    assert static_requests.paths == []
