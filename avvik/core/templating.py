"""What every template can use: the navigation for the user's roles, dates in Oslo time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


#: (label, endpoint, who sees it). Features add their entries here as they arrive.
NAVIGATION: tuple[tuple[object, str, str], ...] = (
    (_l("Start"), "home.index", "everyone"),
    (_l("Reports"), "reports.index", "everyone"),
    (_l("New report"), "reports.new", "everyone"),
    (_l("Measures"), "measures.index", "everyone"),
    (_l("Statistics"), "dashboards.index", "stats"),
    (_l("Organisations"), "organizations.index", "admin"),
    (_l("Users"), "users.index", "admin"),
    (_l("Agreements and categories"), "catalog.index", "admin"),
    (_l("Routing rules"), "routing.index", "admin"),
    (_l("Outbox"), "outbox.index", "admin"),
    (_l("Profile"), "auth.profile", "everyone"),
)


def navigation() -> list[NavItem]:
    """The menu for the user's roles; the current page's entry is marked.

    An exact endpoint wins; otherwise the first entry of the page's feature is marked
    (so "New report" alone is current on the form, "Reports" on a case page).
    """
    entries = [(label, endpoint) for label, endpoint, audience in NAVIGATION
               if _audience_sees(audience)]
    current = request.endpoint or ""
    exact = any(endpoint == current for _, endpoint in entries)
    blueprint = current.split(".")[0]
    marked = False
    items = []
    for label, endpoint in entries:
        if exact:
            active = endpoint == current
        else:
            active = (not marked and endpoint != "home.index"
                      and endpoint.split(".")[0] == blueprint)
        marked = marked or active
        items.append(NavItem(str(label), url_for(endpoint), active))
    return items


def _audience_sees(audience: str) -> bool:
    if audience == "admin":
        return bool(getattr(current_user, "is_admin", False))
    if audience == "stats":
        return _may_view_stats()
    return True


def _may_view_stats() -> bool:
    # Imported here: core must not depend on a feature at import time.
    from avvik.stats.scope import may_view_stats

    return current_user.is_authenticated and may_view_stats(current_user)


def oslo_datetime(moment: datetime | None, format: str = "short") -> str:
    """A UTC moment shown in Norwegian local time (Flask-Babel's default zone)."""
    return "" if moment is None else format_datetime(moment, format)


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        navigation=navigation,
        current_locale=lambda: str(get_locale()),
    )
    app.jinja_env.filters["oslo"] = oslo_datetime
