"""URL helpers shared by views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


def safe_next_url(target: str | None, default_endpoint: str = "home.index") -> str:
    """Only follow ``next`` within this site: a path, never another host (open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for(default_endpoint)


def public_url(endpoint: str, **values: object) -> str:
    """The address of ``endpoint`` as people and other services reach it (AVVIK_BASE_URL),
    whatever host name this request came in on."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def page_to_return_to(target: str | None, default_endpoint: str = "home.index") -> str:
    """``safe_next_url`` that a browser can GET. A page rendered by a form post stands at
    the form's action, which may answer POST only (a step on a case): then the nearest
    page above it (the case) is the one to go back to, else the default."""
    url = safe_next_url(target, default_endpoint)
    parts = urlsplit(url)
    adapter = current_app.create_url_adapter(request)
    path = parts.path
    while path not in ("", "/"):
        try:
            adapter.match(path, method="GET")
        except RequestRedirect:  # only a slash missing: the page itself sends it on
            pass
        except HTTPException:  # 405 or 404: try the page one level up
            path = path.rstrip("/").rpartition("/")[0]
            continue
        return url if path == parts.path else path
    return url_for(default_endpoint)
