"""Serious events in a selection, and what their parties recorded of the notices.

Counted over the serious cases of the selection only (avvik/reports/serious.py): 1-3 %
of cases, so the records are looked up per case (EXISTS on case_notices' unique index)
in one statement that also counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, select

from avvik.core.db import run
from avvik.reports.models import Report
from avvik.reports.notices import CaseNotice, NoticeKind
from avvik.reports.serious import serious_condition
from avvik.stats.queries.base import Selection, Shape, condition, share


@dataclass(frozen=True)
class SeriousCounts:
    serious: int  #: serious events in the selection
    notice_recorded: int  #: of those, the notice to Helsetilsynet recorded (sent or not)
    notified: int  #: of those, recorded as sent
    patient_recorded: int  #: whether the patient or next of kin was informed, recorded
    patient_informed: int  #: of those, recorded as informed

    @property
    def notified_share(self) -> float | None:
        return share(self.notified, self.serious)

    @property
    def informed_share(self) -> float | None:
        return share(self.patient_informed, self.serious)


def serious_counts(chosen: Selection) -> SeriousCounts:
    return SeriousCounts(*run(_serious(chosen.shape), chosen.params).one())


def _recorded(kind: NoticeKind, *answers: str) -> Any:
    conditions = [CaseNotice.report_id == Report.id, CaseNotice.kind == kind.value]
    if answers:
        conditions.append(CaseNotice.answer.in_(answers))
    return case((exists().where(and_(*conditions)), 1))


@lru_cache(maxsize=64)
def _serious(shape: Shape) -> Select[Any]:
    return select(
        func.count(),
        func.count(_recorded(NoticeKind.AUTHORITY)),
        func.count(_recorded(NoticeKind.AUTHORITY, "yes")),
        func.count(_recorded(NoticeKind.PATIENT)),
        func.count(_recorded(NoticeKind.PATIENT, "yes")),
    ).select_from(Report).where(condition(shape), serious_condition())
