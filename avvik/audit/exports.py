"""The audit trail as a CSV or XLSX file for an inspector; the export is itself audited.

The files are written as the statistics' exports are (avvik/stats/exports.py): text that a
spreadsheet could read as a formula is escaped, moments are Oslo time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from avvik.audit.actions import action_label
from avvik.audit.queries import EXPORT_LIMIT, AuditFilter, for_export
from avvik.audit.services import audit
from avvik.core.errors import NotFound
from avvik.core.permissions import require_admin
from avvik.core.timeutil import to_oslo, utcnow
from avvik.stats import exports
from avvik.users.models import User

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADERS = (_l("Time"), _l("User id"), _l("User name"), _l("Name"), _l("Action"),
           _l("Action (code)"), _l("Object"), _l("Object id"), _l("Detail"), _l("Reason"),
           _l("Client address"), _l("Request id"))


@dataclass(frozen=True)
class TrailFile:
    content: bytes
    mimetype: str
    filename: str


def export_trail(actor: User, filters: AuditFilter, fmt: str) -> TrailFile:
    """The newest ``EXPORT_LIMIT`` entries ``filters`` match as a file, and an entry
    saying who took which part of the trail. NotFound for a format not offered."""
    require_admin(actor)
    if fmt not in FORMATS:
        raise NotFound()
    counted = _Counted(for_export(filters))
    headers = [str(header) for header in HEADERS]
    if fmt == "csv":
        content = exports.write_csv(headers, counted)
    else:
        content = exports.write_xlsx(headers, counted, sheet_name=str(_l("Audit trail")))
    audit("audit.exported", "export", None, actor=actor,
          detail={"format": fmt, "rows": counted.rows, "truncated": counted.truncated,
                  **filters.facts()})
    stamp = to_oslo(utcnow()).strftime("%Y%m%d-%H%M")
    return TrailFile(content, FORMATS[fmt], f"audit-trail-{stamp}.{fmt}")


class _Counted(Iterable[list[Any]]):
    """The rows as cells, counted as they are written, the one past the limit left out."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows = rows
        self.rows = 0
        self.truncated = False

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self._rows:
            if self.rows == EXPORT_LIMIT:
                self.truncated = True
                return
            self.rows += 1
            yield [row.at, row.actor_id, row.actor_username, row.actor_name,
                   action_label(row.action), row.action, row.object_type, row.object_id,
                   json.dumps(row.detail, ensure_ascii=False, sort_keys=True)
                   if row.detail else "", row.reason, row.client_address, row.request_id]
