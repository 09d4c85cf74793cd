"""What every template can use: the navigation for the user's roles, dates in Oslo time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime
from flask import Flask, current_app, request, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from avvik.core.i18n import formatting_locale


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


#: (label, endpoint, who sees it). Features add their entries here as they arrive; an
#: audience other than "everyone" and "admin" is a rule the app passes to
#: ``init_templating`` (core knows no feature's rules).
NAVIGATION: tuple[tuple[object, str, str], ...] = (
    (_l("Start"), "home.index", "everyone"),
    (_l("Reports"), "reports.index", "everyone"),
    (_l("New report"), "reports.new", "everyone"),
    (_l("Measures"), "measures.index", "everyone"),
    (_l("Statistics"), "dashboards.index", "stats"),
    (_l("Committee agenda"), "committee.index", "committee"),
    (_l("Organisations"), "organizations.index", "admin"),
    (_l("Users"), "users.index", "admin"),
    (_l("Agreements and categories"), "catalog.index", "admin"),
    (_l("Routing rules"), "routing.index", "admin"),
    (_l("Outbox"), "outbox.index", "admin"),
    (_l("Audit trail"), "audit.index", "admin"),
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


#: Where the app keeps the audiences' rules: name -> does the current user belong to it.
AUDIENCES_KEY = "avvik_navigation_audiences"


def _audience_sees(audience: str) -> bool:
    if audience == "everyone":
        return True
    if audience == "admin":
        return bool(getattr(current_user, "is_admin", False))
    rule = current_app.extensions[AUDIENCES_KEY].get(audience)
    # An audience without a rule sees nothing: a menu entry fails closed.
    return bool(rule and current_user.is_authenticated and rule(current_user))


def oslo_datetime(moment: datetime | None, format: str = "short") -> str:
    """A UTC moment shown in Norwegian local time (Flask-Babel's default zone)."""
    if moment is None:
        return ""
    return format_datetime(moment, format, tzinfo=get_timezone(), locale=formatting_locale())


def init_templating(app: Flask, audiences: dict[str, Callable[..., bool]]) -> None:
    """Give templates the navigation and the date filter; ``audiences`` maps each menu
    audience to a rule taking the signed-in user."""
    app.extensions[AUDIENCES_KEY] = dict(audiences)
    app.jinja_env.globals.update(
        navigation=navigation,
        current_locale=lambda: str(get_locale()),
    )
    app.jinja_env.filters["oslo"] = oslo_datetime
