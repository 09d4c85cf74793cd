"""Registering discharges per unit and month, one at a time or as a CSV file.

Who may: administrators, the unit's leader, and the quality advisers of its organisation
(who keep such figures for the whole organisation). A month registered again replaces the
figure before it.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.core.timeutil import utcnow
from avvik.discharges.models import DischargeCount
from avvik.extensions import db
from avvik.organizations.models import Unit
from avvik.users.models import Role, User

log = logging.getLogger(__name__)

#: A count larger than this is surely a typing error (a large ward discharges hundreds).
MAX_COUNT = 100_000
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class DischargeInput:
    unit_id: int
    month: date  #: the month's first day
    count: int


def may_register(user: User, unit: Unit) -> bool:
    """Whether ``user`` may register discharges of ``unit``."""
    if user.is_admin:
        return True
    return any((m.unit_id == unit.id and m.role == Role.LEADER)
               or (m.role == Role.QUALITY_ADVISER
                   and m.unit.organization_id == unit.organization_id)
               for m in user.memberships)


def parse_month(text: str) -> date | None:
    """``YYYY-MM`` as the month's first day, or None."""
    found = _MONTH.match(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1900:
        return None
    return date(int(found[1]), int(found[2]), 1)


def register_discharges(actor: User, entry: DischargeInput, *, now: datetime | None = None
                        ) -> DischargeCount:
    """Record ``entry`` (replacing the unit's figure for that month); flush."""
    unit = db.session.get(Unit, entry.unit_id)
    if unit is None:
        raise ValidationFailed([("unit_id", _("Choose a unit."))])
    if not may_register(actor, unit):
        raise PermissionDenied()
    problems = _problems(entry, now or utcnow())
    if problems:
        raise ValidationFailed(problems)
    row = db.session.scalars(select(DischargeCount).where(
        DischargeCount.unit_id == entry.unit_id, DischargeCount.month == entry.month)).first()
    if row is None:
        row = DischargeCount(unit_id=entry.unit_id, month=entry.month)
        db.session.add(row)
    row.count, row.registered_by_id = entry.count, actor.id
    db.session.flush()
    log.info("discharges registered", extra={"unit_id": entry.unit_id,
                                             "month": f"{entry.month:%Y-%m}"})
    return row


def _problems(entry: DischargeInput, now: datetime) -> list[tuple[str, str]]:
    problems = []
    if entry.month > now.date().replace(day=1):
        problems.append(("month", _("The month has not begun yet.")))
    if not 0 <= entry.count <= MAX_COUNT:
        problems.append(("count", _("Give a whole number from 0 to %(max)d.", max=MAX_COUNT)))
    return problems


def import_discharges(actor: User, text: str, *, now: datetime | None = None) -> int:
    """Register every line of a CSV file ``unit id;YYYY-MM;discharges`` (comma or
    semicolon; a header line is skipped). All or nothing: any bad line fails the whole
    file, with every bad line named in the error. Returns the lines registered."""
    rows = _csv_rows(text)
    entries, problems = [], []
    for number, cells in rows:
        entry, reason = _entry_of(cells)
        if entry is None:
            problems.append(("file", _("Line %(n)d: %(reason)s", n=number, reason=reason)))
        else:
            entries.append((number, entry))
    if not entries and not problems:
        problems.append(("file", _("The file holds no lines to register.")))
    if problems:
        raise ValidationFailed(problems)
    for number, entry in entries:
        try:
            register_discharges(actor, entry, now=now)
        except (ValidationFailed, PermissionDenied) as error:
            reasons = (" ".join(r for _f, r in error.errors)
                       if isinstance(error, ValidationFailed)
                       else _("you may not register discharges of that unit."))
            problems.append(("file", _("Line %(n)d: %(reason)s", n=number, reason=reasons)))
    if problems:
        raise ValidationFailed(problems)
    return len(entries)


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    dialect = "excel-tab" if "\t" in text else None
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    reader = (csv.reader(io.StringIO(text), dialect) if dialect
              else csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = []
    for number, cells in enumerate(reader, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and not cells[0].isdigit():
            continue  # a header
        rows.append((number, cells))
    return rows


def _entry_of(cells: list[str]) -> tuple[DischargeInput | None, str]:
    if len(cells) != 3:
        return None, _("three fields are needed: unit id, month (YYYY-MM), discharges.")
    unit, month_text, count = cells
    month = parse_month(month_text)
    if not unit.isdigit():
        return None, _("the unit id must be a number.")
    if month is None:
        return None, _("the month must be written YYYY-MM.")
    if not count.isdigit():
        return None, _("the number of discharges must be a whole number.")
    return DischargeInput(int(unit), month, int(count)), ""
