"""The API's side of linked reports: the step's body, and the linked cases of a case as
the caller may see them (avvik/reports/links.py)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields
from marshmallow.validate import Length

from avvik.reports.services.handling import COMMENT_LIMIT


class LinkIn(Schema):
    case_number = fields.String(required=True, validate=Length(min=1, max=20), metadata={
        "description": "The other case's number, e.g. SA-2025-00123."})
    reason = fields.String(required=True, validate=Length(max=COMMENT_LIMIT))


def linked_cases_out(report: Any) -> list[dict[str, Any]]:
    """The cases linked to ``report`` now: number and id only where the caller may read
    the case; otherwise only that a linked case exists."""
    from avvik.api.auth import api_user  # the caller, at dump time
    from avvik.reports.links import linked_reports

    return [{"case_number": c.report.case_number if c.report else None,
             "report_id": c.report.id if c.report else None,
             "readable": c.report is not None,
             "reason": c.link.reason,  # on the case's own timeline too
             "linked_at": c.link.linked_at.isoformat()}
            for c in linked_reports(report, api_user())]
