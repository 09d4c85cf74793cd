"""What the report form suggests, read from the reports filed before (read side only).

A reporter in home care files to the same hospital nearly every time, and a transition is
nearly always reported under the same one or two agreements: the form offers what the
history says, and the reporter changes it when this case differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import func, select

from avvik.extensions import db
from avvik.organizations.models import Organization, OrganizationKind
from avvik.reports.models import Report, ReportStatus

#: The reporter's own latest reports from the unit that decide the usual receiver.
OWN_REPORTS = 20
#: The unit's latest reports, when the reporter has none from it.
UNIT_REPORTS = 50
#: The community's latest reports that say which agreements go with which transition.
COMMUNITY_REPORTS = 1000
#: Agreements offered per transition, the most used first.
AGREEMENTS_PER_TRANSITION = 3


def usual_receiver_id(reporter_id: int, unit_id: int | None,
                      candidates: Sequence[Organization]) -> int | None:
    """The receiving organisation to preselect for a new report from ``unit_id``.

    The one the reporter filed to most often lately from that unit; else the one the
    unit filed to most often; else, for a reporter outside the hospital trust, the
    community's only hospital trust. ``candidates`` are the organisations the form offers.
    """
    if unit_id is None or not candidates:
        return None
    offered = {o.id for o in candidates}
    base = (select(Report.receiving_organization_id)
            .where(Report.reporting_unit_id == unit_id,
                   Report.receiving_organization_id.is_not(None)))
    for recent in (base.where(Report.reporter_id == reporter_id)
                   .order_by(Report.created_at.desc()).limit(OWN_REPORTS),
                   base.order_by(Report.id.desc()).limit(UNIT_REPORTS)):
        counts = Counter(r for r in db.session.scalars(recent) if r in offered)
        if counts:
            return counts.most_common(1)[0][0]
    hospitals = [o.id for o in candidates if o.kind == OrganizationKind.HOSPITAL_TRUST]
    return hospitals[0] if len(hospitals) == 1 else None


def agreements_by_transition(organization_ids: Sequence[int], agreement_ids: Sequence[int]
                             ) -> dict[int, list[int]]:
    """For each transition, the agreements it was filed under lately, most used first.

    Read from the latest ``COMMUNITY_REPORTS`` submitted reports of ``organization_ids``
    (the community's organisations), among the agreements offered (``agreement_ids``).
    """
    if not organization_ids or not agreement_ids:
        return {}
    latest = (select(Report.transition_id, Report.agreement_id)
              .where(Report.reporting_organization_id.in_(organization_ids),
                     Report.status != ReportStatus.DRAFT,
                     Report.agreement_id.in_(agreement_ids))
              .order_by(Report.created_at.desc()).limit(COMMUNITY_REPORTS).subquery())
    used = func.count().label("used")
    rows = db.session.execute(
        select(latest.c.transition_id, latest.c.agreement_id, used)
        .group_by(latest.c.transition_id, latest.c.agreement_id)
        .order_by(latest.c.transition_id, used.desc(), latest.c.agreement_id))
    offered: dict[int, list[int]] = {}
    for transition_id, agreement_id, _used in rows:
        picks = offered.setdefault(transition_id, [])
        if len(picks) < AGREEMENTS_PER_TRANSITION:
            picks.append(agreement_id)
    return offered
