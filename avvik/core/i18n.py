"""Languages: Norwegian bokmål by default, English selectable.

Browsers that ask for "no" (Norwegian) or "nn" (nynorsk) get bokmål, the closest we have.
"""

from __future__ import annotations

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from avvik.extensions import babel

#: Dates and numbers in English as Norwegian readers meet it: the day before the month
#: and a 24-hour clock (babel's plain "en" writes 12/5/26, 3:07 PM, which reads as 12 May).
ENGLISH_FORMATS = Locale.parse("en_GB")

#: Accept-Language tags that mean "give me bokmål".
BOKMAL_ALIASES = ("nb", "no", "nn", "nb-no", "no-no", "nn-no")


def select_locale() -> str:
    """User's saved choice, then the session's, then the browser's, then bokmål.

    Outside a request (workers, commands) it is bokmål unless the caller uses
    ``flask_babel.force_locale`` for a recipient's language.
    """
    if not has_request_context():
        return default_locale()
    if request.path.startswith("/api/"):
        return api_locale()
    chosen = getattr(current_user, "locale", None) if current_user else None
    if chosen in ("nb", "en"):
        return chosen
    if session.get("locale") in ("nb", "en"):
        return session["locale"]
    return locale_from_accept_language() or default_locale()


def formatting_locale() -> Locale | None:
    """The locale dates and numbers are written in: the interface's, with English as
    ``ENGLISH_FORMATS``."""
    locale = get_locale()
    return ENGLISH_FORMATS if locale is not None and locale.language == "en" else locale


def api_locale() -> str:
    """The API's language: ``Accept-Language`` first (a client states it on each request;
    the session cookie counts for nothing there), then the token user's saved choice."""
    # Noted by the API's authentication, not read from current_user (that would load the
    # session cookie's user) nor from the user (expired after a rollback: a SELECT).
    chosen = g.get("api_user_locale")
    return (locale_from_accept_language()
            or (chosen if chosen in ("nb", "en") else default_locale()))


def default_locale() -> str:
    """Bokmål in every real configuration; the test suite reads its messages in English."""
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "nb")


def locale_from_accept_language() -> str | None:
    """bokmål or English, the first the request's ``Accept-Language`` names, or None."""
    for tag, _quality in request.accept_languages:
        tag = tag.lower()
        if tag in BOKMAL_ALIASES or tag.split("-")[0] in ("nb", "no", "nn"):
            return "nb"
        if tag.split("-")[0] == "en":
            return "en"
    return None


def init_babel(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/translations"),
    )
