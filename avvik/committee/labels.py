"""The words for how a case reached the agenda and what became of it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SOURCE_LABELS = {
    "escalation": _l("Escalation level 3: the answer is long overdue"),
    "second_disagreement": _l("The parties disagree a second time"),
    "declined_redirect": _l("A redirected case was declined again"),
    "flagged": _l("Flagged by a coordinator"),
}

STATUS_LABELS = {
    "open": _l("On the agenda"),
    "closed": _l("Closed by the committee"),
    "returned": _l("Returned to the parties"),
}
