"""The de-identified case list behind an export: one row per case, no patient identity.

Unlike the aggregates, a case list shows cases one by one, so it is scoped by
``avvik.reports.scope.visible_condition`` (the cases the viewer may open), not by the
statistics scope: the secretariat counts its whole health community but lists only the
cases it reads (those on its committee's agenda, by default).
The patient identity vault is never joined. Free text (the description, the immediate
measures, the suggestion, the answer's cause and measures) is included only when the
caller says the viewer's role may read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from avvik.catalog.models import Agreement, Category, Transition
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.reports.labels import consequence_label, status_label
from avvik.reports.models import Report
from avvik.reports.scope import visible_condition
from avvik.stats.filters import StatsFilter
from avvik.stats.labels import direction_label
from avvik.stats.queries.base import counted, filter_condition
from avvik.users.models import User

#: Upper bound on ``case_list`` (held in memory); the streamed export has none.
MAX_ROWS = 100_000
#: Rows fetched at a time by the streamed export (a server-side cursor on PostgreSQL).
BATCH_ROWS = 2_000

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class CaseList:
    headers: list[str]
    rows: list[list[Cell]]
    truncated: bool  #: more cases matched than MAX_ROWS


def case_list(viewer: User, filters: StatsFilter, *, include_free_text: bool,
              max_rows: int = MAX_ROWS) -> CaseList:
    """The counted cases ``viewer`` may open that match ``filters``, oldest event first."""
    headers, rows = case_rows(viewer, filters, include_free_text=include_free_text)
    found = list(islice(rows, max_rows + 1))
    rows.close()
    return CaseList(headers, found[:max_rows], len(found) > max_rows)


def case_rows(viewer: User, filters: StatsFilter, *, include_free_text: bool
              ) -> tuple[list[str], Iterator[list[Cell]]]:
    """The headers of ``case_list`` and its rows as they are read, a batch at a time:
    for a download of any length in bounded memory."""
    reporting_org, receiving_org = aliased(Organization), aliased(Organization)
    reporting_unit, responsible_unit = aliased(Unit), aliased(Unit)
    columns: list[tuple] = [
        (Report.case_number, _l("Case number")),
        (Report.status, _l("Status"), status_label),
        (Report.direction, _l("Direction"), _direction),
        (Report.event_date, _l("Date of the event")),
        (Report.submitted_at, _l("Submitted")),
        (reporting_org.name, _l("Reporting organisation")),
        (reporting_unit.name, _l("Reporting unit")),
        (receiving_org.name, _l("Receiving organisation")),
        (responsible_unit.name, _l("Responsible unit")),
        (Agreement.number + " " + Agreement.title, _l("Agreement")),
        (Transition.code + " " + Transition.name, _l("Transition")),
        (Category.name, _l("Category")),
        (Report.consequence, _l("Consequence"), consequence_label),
        (Report.potential_consequence, _l("Potential consequence"), consequence_label),
        (Report.routed_at, _l("Routed")),
        (Report.acknowledged_at, _l("Acknowledged")),
        (Report.answer_due_at, _l("Answer deadline")),
        (Report.answered_at, _l("Answered")),
        (Report.closed_at, _l("Closed")),
        (Report.escalation_level, _l("Escalation level")),
    ]
    if include_free_text:
        columns += [
            (Report.description, _l("Description")),
            (Report.immediate_measures, _l("Immediate measures")),
            (Report.suggestion, _l("Suggestion")),
            (Report.answer_cause, _l("Cause (answer)")),
            (Report.answer_measures, _l("Measures (answer)")),
        ]
    filtered, params = filter_condition(filters)
    query = (
        select(*(column[0] for column in columns)).select_from(Report)
        .join(reporting_org, reporting_org.id == Report.reporting_organization_id)
        .join(reporting_unit, reporting_unit.id == Report.reporting_unit_id)
        .outerjoin(receiving_org, receiving_org.id == Report.receiving_organization_id)
        .outerjoin(responsible_unit, responsible_unit.id == Report.responsible_unit_id)
        .outerjoin(Agreement, Agreement.id == Report.agreement_id)
        .outerjoin(Transition, Transition.id == Report.transition_id)
        .outerjoin(Category, Category.id == Report.category_id)
        .where(counted(), visible_condition(viewer), filtered)
        .params(params)
        .order_by(Report.event_date, Report.case_number)
        .execution_options(yield_per=BATCH_ROWS)
    )
    # Enum codes become the reader's words (the third item of a column, if any).
    present = [column[2] if len(column) > 2 else None for column in columns]

    def rows() -> Iterator[list[Cell]]:
        result = db.session.execute(query)
        try:
            for row in result:
                yield [value if show is None else show(value)
                       for value, show in zip(row, present, strict=True)]
        finally:
            result.close()

    return [str(column[1]) for column in columns], rows()


def _direction(value: Any) -> str | None:
    return direction_label(value) if value is not None else None
