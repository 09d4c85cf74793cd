"""The report form's one-time token: one page of the form files one report.

Each rendering of the report form carries a new random token in a hidden field. The
service stores it on the report the post saves (``Report.submission_token``, unique per
reporter), so a second post of the same page (two quick taps on a phone, a resend after
an answer that never arrived) is recognised and answered with the report the first one
saved, instead of filing another. Two posts at the same moment meet at the unique
index: the later one rolls back and answers the same way (reports/views.py).
"""

from __future__ import annotations

import secrets

from sqlalchemy import select

from avvik.extensions import db
from avvik.reports.models import Report
from avvik.users.models import User

#: 128 random bits, URL-safe: 22 characters.
TOKEN_BYTES = 16
#: The column's width; a longer value did not come from a page of ours.
MAX_LENGTH = 64


def new_token() -> str:
    """A token for one rendering of the report form."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def usable(token: str | None) -> str | None:
    """``token`` if it can be one of ours, else None (the post is then taken as new)."""
    return token if token and len(token) <= MAX_LENGTH else None


def saved_with(reporter: User, token: str | None) -> Report | None:
    """The reporter's report that the form page carrying ``token`` saved, if any."""
    token = usable(token)
    if token is None:
        return None
    return db.session.scalars(select(Report).where(
        Report.reporter_id == reporter.id, Report.submission_token == token)).first()
