"""The life of one synthetic case: when each step happened, who did it, and the timeline.

A case's steps are drawn first (approval, routing, acknowledgement, answer, closing) and
then cut at ``now``: the last step reached is the case's status, so recent cases are
open and old ones closed, and a slow answer shows up as an overdue, escalated case.
Deadlines use the app's Norwegian working days; fields and timeline events follow the
case services (avvik/reports/services): a forwarded or reopened case is routed again,
and its deadlines start anew.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from avvik.core.timeutil import OSLO, as_utc, to_oslo
from avvik.core.workdays import add_working_days, working_days_between
from avvik.demo import texts
from avvik.demo.spec import CaseSpec, Staffing
from avvik.reports.models import ReportStatus

S = ReportStatus
#: Working days after the answer deadline at which escalation levels 1, 2 and 3 are
#: reached, and of the reminder before it (the HealthCommunity defaults, as the
#: escalation sweep in avvik/escalation/services.py applies them).
ESCALATION_OFFSETS = (0, 5, 10)
REMINDER_DAYS_BEFORE = 5
ACKNOWLEDGE_DAYS = 2


@dataclass
class Built:
    """A report row (without id and case number) and its events (without report id)."""

    row: dict[str, Any]
    events: list[dict[str, Any]]

    def add(self, at: datetime, actor_id: int | None, kind: str, text: str = "",
            **data: Any) -> None:
        self.events.append({"created_at": at, "actor_id": actor_id, "kind": kind,
                            "text": text, "data": data})


def office_time(day: date, rng: random.Random, earliest: datetime) -> datetime:
    """A moment in office hours (Oslo) on ``day``, but never before ``earliest``."""
    moment = as_utc(datetime.combine(day, time(rng.randint(8, 15), rng.randint(0, 59)), OSLO))
    if moment <= earliest:
        moment = earliest + timedelta(minutes=rng.randint(5, 120))
    return moment


def after_working_days(moment: datetime, days: int, rng: random.Random) -> datetime:
    return office_time(to_oslo(add_working_days(moment, days)).date(), rng, moment)


def weighted(rng: random.Random, table: dict[int, float]) -> int:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _seconds(rng: random.Random) -> timedelta:
    return timedelta(seconds=rng.randint(5, 120))  # the routing worker's delay


class CaseBuilder:
    """Draws the steps of cases; one instance serves a whole history."""

    def __init__(self, rng: random.Random, staff: Staffing, now: datetime) -> None:
        self.rng, self.staff, self.now = rng, staff, now

    def build(self, spec: CaseSpec) -> Built:
        rng, now = self.rng, self.now
        case = Built(spec.base_row(), [])
        row = case.row
        row.update(description=texts.description(rng, spec.category.code),
                   immediate_measures=texts.pick(rng, texts.IMMEDIATE),
                   suggestion=texts.pick(rng, texts.SUGGESTIONS))
        sent = spec.moment
        created = sent - (timedelta(hours=rng.uniform(1, 48)) if rng.random() < 0.12
                          else timedelta(minutes=rng.uniform(2, 25)))
        row.update(created_at=created, updated_at=sent)
        if spec.fate == "draft":
            row["direction"] = None  # fixed only when a report is submitted
            return case
        approval = spec.reporting_org.is_approval_required
        row.update(status=S.AWAITING_APPROVAL if approval else S.SUBMITTED, submitted_at=sent)
        case.add(sent, spec.reporter_id, "submitted", status=row["status"].value)
        withdraw = (sent + timedelta(minutes=rng.uniform(2, 480))
                    if spec.fate == "withdrawn" else None)
        start = sent
        if approval:
            approved = after_working_days(sent, weighted(rng, {0: 5, 1: 4, 2: 1}), rng)
            if withdraw is not None and withdraw < approved:
                return self._withdraw(case, spec, withdraw)
            if approved > now or spec.stop == S.AWAITING_APPROVAL:
                return case
            leader = self.staff.approver(spec.reporting_unit.id)
            row.update(status=S.SUBMITTED, approved_at=approved, approved_by_id=leader,
                       updated_at=approved)
            case.add(approved, leader, "approved")
            start = approved
        routed = start + _seconds(rng)
        if withdraw is not None and withdraw < routed:
            return self._withdraw(case, spec, withdraw)
        if routed > now or spec.stop == S.SUBMITTED:
            return case
        self._route(case, spec, routed)
        if withdraw is not None:
            return self._withdraw(case, spec, max(withdraw, routed + timedelta(minutes=1)))
        return self._handle(case, spec, routed, first_round=True)

    def _withdraw(self, case: Built, spec: CaseSpec, at: datetime) -> Built:
        if at <= self.now:  # otherwise the reporter has not yet changed their mind
            case.row.update(status=S.WITHDRAWN, withdrawn_at=at, updated_at=at)
            case.add(at, spec.reporter_id, "withdrawn")
        return case

    def _route(self, case: Built, spec: CaseSpec, at: datetime,
               forced_unit_id: int | None = None) -> None:
        row = case.row
        if forced_unit_id is not None:
            unit_id, rule_id, basis = forced_unit_id, None, "forwarded"
        else:
            unit_id, rule_id, basis = self.staff.router.route(
                spec.receiving_org.id, row["agreement_id"], row["transition_id"],
                row["category_id"], row["receiving_unit_id"])
        row.update(status=S.ROUTED, routed_at=at, responsible_unit_id=unit_id,
                   routing_rule_id=rule_id, routing_basis=basis, updated_at=at,
                   acknowledge_working_days=None, answer_working_days=None,
                   acknowledge_due_at=add_working_days(at, ACKNOWLEDGE_DAYS),
                   answer_due_at=add_working_days(at, spec.answer_days))
        case.add(at, None, "routed", basis=basis, unit_id=unit_id, rule_id=rule_id)

    def _handle(self, case: Built, spec: CaseSpec, routed: datetime, *,
                first_round: bool) -> Built:
        """Acknowledge and answer (or not yet), escalating while the answer is late."""
        rng, now, row, stop = self.rng, self.now, case.row, spec.stop
        ack = after_working_days(routed, weighted(rng, {0: 45, 1: 30, 2: 13, 3: 6, 5: 4,
                                                        8: 2}), rng)
        answer_days = max(1, round(rng.lognormvariate(1.85, 0.5)
                                   * self.staff.slowness(row["responsible_unit_id"])))
        if rng.random() < 0.05:  # the heavy tail: cases that wait for weeks
            answer_days += rng.randint(12, 60)
        answered = after_working_days(routed, answer_days, rng)
        if stop in (S.ANSWERED, S.CLOSED) and answered > now:
            answered = max(routed + (now - routed) * 0.8,
                           now - timedelta(hours=rng.uniform(2, 20)))
        if stop == S.ACKNOWLEDGED and ack > now:
            ack = routed + (now - routed) / 3
        ack = min(ack, routed + (answered - routed) / 2)
        if row["routing_basis"] == "coordinators" and rng.random() < 0.7:
            forwarded = routed + (ack - routed) * rng.uniform(0.2, 0.6)
            if forwarded <= now:  # the coordinators send it on to the unit that answers
                unit_id = self.staff.likely_unit(spec)
                case.add(forwarded, self.staff.coordinator(spec.receiving_org.id),
                         "forwarded", texts.pick(rng, texts.FORWARD_REASONS),
                         from_unit_id=None, to_unit_id=unit_id)
                routed = forwarded + _seconds(rng)
                self._route(case, spec, routed, forced_unit_id=unit_id)
                ack = max(ack, routed + timedelta(minutes=rng.randint(10, 120)))
                answered = max(answered, ack + timedelta(minutes=rng.randint(30, 300)))
        handler = self.staff.handler(row["responsible_unit_id"], spec.receiving_org.id)
        if stop != S.ACKNOWLEDGED and rng.random() < 0.12:
            ack = answered  # answered straight away: answering acknowledges too
        if ack > now or stop == S.ROUTED:
            return self._escalate(case, spec, now)
        if ack < answered:
            row.update(status=S.ACKNOWLEDGED, acknowledged_at=ack, updated_at=ack,
                       acknowledge_working_days=working_days_between(routed, ack))
            case.add(ack, handler, "acknowledged")
            self._comments(case, spec, handler, ack, min(answered, now))
        if answered > now or stop == S.ACKNOWLEDGED:
            return self._escalate(case, spec, now)
        self._escalate(case, spec, answered)
        return self._answer(case, spec, handler, answered, first_round=first_round)

    def _comments(self, case: Built, spec: CaseSpec, handler: int, start: datetime,
                  end: datetime) -> None:
        if end <= start or self.rng.random() > 0.3:
            return
        authors = ((handler, "receiving"), (spec.reporter_id, "reporting"))
        earliest = start
        for n, (actor, side) in enumerate(authors[:self.rng.randint(1, 2)]):
            at = max(start + (end - start) * (0.3 + 0.3 * n), earliest)
            # People write in the daytime, unless the day leaves no room for it.
            daytime = office_time(to_oslo(at).date(), self.rng, earliest)
            earliest = daytime if daytime < end else at
            case.add(earliest, actor, "comment", texts.pick(self.rng, texts.COMMENTS),
                     side=side)

    def _escalate(self, case: Built, spec: CaseSpec, until: datetime) -> Built:
        """Reminder and escalation levels reached before ``until`` (the answer, or now)."""
        row = case.row
        due = row["answer_due_at"]
        reminder = add_working_days(due, -REMINDER_DAYS_BEFORE)
        if row["routed_at"] < reminder <= until:
            row["reminder_sent_at"] = reminder
            case.add(reminder, None, "reminder")
        for level, offset in enumerate(ESCALATION_OFFSETS, start=1):
            at = add_working_days(due, offset)
            if at > until:
                break
            row.update(escalation_level=level, escalated_at=at)
            case.add(at, None, "escalated", level=level, overdue_since=due.isoformat())
        return case

    def _answer(self, case: Built, spec: CaseSpec, handler: int, answered: datetime, *,
                first_round: bool) -> Built:
        rng, now, row = self.rng, self.now, case.row
        delivered = answered + timedelta(minutes=rng.uniform(1, 15))
        if row["acknowledged_at"] is None:  # answering acknowledges too
            row.update(acknowledged_at=answered, acknowledge_working_days=working_days_between(
                row["routed_at"], answered))
        row.update(status=S.ANSWERED, answered_at=answered, answered_by_id=handler,
                   answer_working_days=working_days_between(row["routed_at"], answered),
                   answer_cause=texts.pick(rng, texts.CAUSES),
                   answer_measures=texts.pick(rng, texts.MEASURES), updated_at=answered)
        case.add(answered, handler, "answered")
        if delivered > now:
            return case
        row.update(answer_delivered_at=delivered, updated_at=delivered)
        case.add(delivered, None, "answer_delivered")
        if spec.stop == S.ANSWERED:
            return case
        if (first_round and spec.stop is None and row["routing_basis"] != "forwarded"
                and rng.random() < 0.02):
            return self._reopen(case, spec, after_working_days(delivered, rng.randint(1, 3),
                                                               rng))
        if rng.random() > 0.985 and spec.stop != S.CLOSED:
            return case  # nobody on the reporting side has closed it yet
        closed = after_working_days(delivered, weighted(rng, {0: 30, 1: 30, 2: 15, 3: 10,
                                                              5: 10, 10: 5}), rng)
        if spec.stop == S.CLOSED and closed > now:
            closed = delivered + (now - delivered) / 2
        if closed <= now:
            row.update(status=S.CLOSED, closed_at=closed, updated_at=closed)
            case.add(closed, spec.reporter_id, "closed")
        return case

    def _reopen(self, case: Built, spec: CaseSpec, at: datetime) -> Built:
        """The reporting side disagrees once; the case is routed again with new deadlines."""
        if at > self.now:
            return case
        row = case.row
        reason = texts.pick(self.rng, texts.REOPEN_REASONS)
        case.add(at, spec.reporter_id, "reopened", reason,
                 previous_answer_at=str(row["answered_at"]))
        row.update(status=S.SUBMITTED, reopen_count=1, reopen_reason=reason, updated_at=at,
                   escalation_level=0, **dict.fromkeys((
                       "acknowledged_at", "answered_at", "answer_delivered_at", "closed_at",
                       "reminder_sent_at", "escalated_at", "acknowledge_due_at",
                       "answer_due_at", "acknowledge_working_days", "answer_working_days")))
        routed = at + _seconds(self.rng)
        if routed > self.now:
            return case
        self._route(case, spec, routed)
        return self._handle(case, spec, routed, first_round=False)
