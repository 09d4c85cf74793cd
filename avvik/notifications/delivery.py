"""Sending queued e-mails, and writing each on its case's timeline.

A ``mail.send`` task sends its own e-mail and other due ones with it: a sweep queues
thousands at once, and a Celery message, a claim and an SMTP connection per e-mail would
cost ten times the sending. The e-mails go in groups: claimed together (avvik/outbox/
runner.py), loaded in two queries and rendered, sent by the courier threads over kept-
open SMTP connections (courier.py) while the next group is claimed and rendered here, then
written on their timelines and marked done in the commit that claims the group after.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select

from avvik.catalog.models import Agreement, Category
from avvik.core.mail import render_email
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.notifications import recipients
from avvik.notifications.courier import LATE, Flight, Mail, dispatch
from avvik.notifications.services import queue_email
from avvik.outbox.dispatch import publish, ring_committed
from avvik.outbox.models import OutboxMessage
from avvik.outbox.retry import Failing
from avvik.outbox.runner import Claimed, Failure, claim_batch, settle
from avvik.reports.events import record_event
from avvik.reports.models import Report, ReportEvent
from avvik.reports.services import mark_answer_delivered
from avvik.users.models import User

log = logging.getLogger(__name__)

TASK = "mail.send"
#: E-mails claimed, sent and recorded together. A worker killed before the commit that
#: records a group has that group, and the one after it, sent again once their claims'
#: lease ends: at most twice this many e-mails arrive twice (with the same Message-ID).
#: A group costs a commit and five statements whatever its size: at 20 e-mails those took
#: a third of the worker's CPU time per e-mail (the escalation benchmark's sweep), at 50
#: a sixth.
GROUP_SIZE = 50
#: The most e-mails one task sends; the rows' own messages carry on from there. Eight
#: groups: the first group of a task is claimed and rendered, and its last one sent,
#: with nothing alongside.
BATCH_SIZE = 400
#: A task takes no new e-mail after this long, so that a slow server keeps neither a claim
#: near its lease (AVVIK_OUTBOX_LEASE_SECONDS) nor the task near its time limit.
BUDGET_SECONDS = 20.0

#: Per database, the highest outbox id up to which this process found every e-mail taken.
#: A task whose own row was sent already (by another task's batch) looks for more from
#: there, not from its own id: behind a sweep's thousands of messages, each of those
#: would otherwise walk the same long run of rows just sent.
_frontier: dict[str, int] = {}


def case_facts(report_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What e-mails may say about each case (and whom it was reported by), by id."""
    ids = sorted(set(report_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Report.id, Report.case_number, Report.reporter_id, Report.acknowledge_due_at,
               Report.answer_due_at, Agreement.number, Agreement.title, Category.name)
        .outerjoin(Agreement, Agreement.id == Report.agreement_id)
        .outerjoin(Category, Category.id == Report.category_id)
        .where(Report.id.in_(ids)))
    return {row.id: {"id": row.id, "case_number": row.case_number,
                     "reporter_id": row.reporter_id,
                     "agreement": f"{row.number} {row.title}" if row.number else "",
                     "category": row.name or "",
                     "acknowledge_due_at": row.acknowledge_due_at,
                     "answer_due_at": row.answer_due_at} for row in rows}


def email_context(facts: dict[str, Any] | None, extra: dict[str, Any]) -> dict[str, Any]:
    """What an e-mail may say: case number, agreement, category, deadlines, a link.

    Never the description, the answer or anything else that could be health data.
    """
    context: dict[str, Any] = dict(extra)
    if facts is not None:
        context.update({key: facts[key] for key in (
            "case_number", "agreement", "category", "acknowledge_due_at", "answer_due_at")})
        context["report_path"] = f"/reports/{facts['id']}"
    return context


def send_due_emails(first_id: int, *, now: datetime | None = None) -> str:
    """Send the e-mail of outbox row ``first_id`` and other due ones, ``BATCH_SIZE`` at most.

    Returns what happened, for the worker's log ("sent 10", "skipped" when the row was
    taken already and nothing else is due).
    """
    deadline = time.monotonic() + BUDGET_SECONDS
    claims = _Claims(first_id)
    tally: Counter[str] = Counter()
    flying: tuple[list[Mail], Flight] | None = None  # the group the couriers have
    landed: list[Mail] = []  # sent (or not), to record in the next commit
    untried: list[int] = []
    stop = ""  # why no more groups go out: LATE, or the error of a server that is away
    try:
        while True:
            moment = now or utcnow()
            _record(landed, moment)
            tally.update(mail.outcome for mail in landed)
            untried += [mail.row.id for mail in landed if mail.outcome == "untried"]
            room = BATCH_SIZE - tally.total() - (len(flying[0]) if flying else 0)
            rows = claims.take(min(GROUP_SIZE, room), moment) if not stop and room > 0 else []
            mails = _load(rows)
            # One commit records the group sent and claims the next. It comes before the
            # SMTP conversation: on SQLite every transaction holds the write lock, and a
            # slow mail server must not keep clinicians from saving their cases meanwhile.
            db.session.commit()
            ring_committed()
            for mail in mails:
                _render(mail)
            landed = []
            if flying is not None:
                landed, flight = flying
                stop = stop or flight.outcome()
                flying = None
            if mails and not stop:
                flying = (mails, dispatch(mails, current_app.config, deadline))
            else:
                for mail in mails:  # claimed while the group before failed or ran late
                    if not mail.outcome:
                        mail.outcome, mail.error = ("untried", "") if stop == LATE else (
                            "retry", stop)
                landed += mails
            if not landed and flying is None:
                break
    finally:
        if flying is not None:  # an error here: let the couriers finish before leaving
            flying[1].wait()
    if untried and current_app.config.get("OUTBOX_RING", True):
        # Time was up with e-mails claimed: ring for them now rather than leave them to
        # the resend sweep.
        publish(untried[0], TASK)
    return ", ".join(f"{outcome} {n}" for outcome, n in sorted(tally.items())) or "skipped"


class _Claims:
    """Where a task's claims walk: its own row, the rows after it, then further on."""

    def __init__(self, first_id: int) -> None:
        self.database = str(db.engine.url)
        self.own: int | None = first_id
        self.after = max(first_id, _frontier.get(self.database, 0))
        self.exhausted = False

    def take(self, size: int, now: datetime) -> list[Claimed]:
        if self.exhausted:
            return []
        rows = claim_batch(TASK, size, now, own=self.own, after=self.after)
        self.own = None
        if rows:
            self.after = rows[-1].id
        else:
            # Nothing due: the next task need not walk the rows up to the newest again
            # (whatever is queued later has a higher id).
            self.exhausted = True
            self.after = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
        _frontier[self.database] = max(_frontier.get(self.database, 0), self.after)
        return rows


def _load(rows: list[Claimed]) -> list[Mail]:
    """The people and cases of a group, in two queries."""
    if not rows:
        return []
    users = {user.id: user for user in db.session.execute(
        select(User.id, User.email, User.full_name, User.locale, User.is_active)
        .where(User.id.in_({row.payload["user_id"] for row in rows})))}
    facts = case_facts(row.payload["report_id"] for row in rows
                       if row.payload.get("report_id"))
    return [Mail(row, users.get(row.payload["user_id"]),
                  facts.get(row.payload.get("report_id"))) for row in rows]


def _render(mail: Mail) -> None:
    payload = mail.row.payload
    if mail.user is None or not mail.user.is_active or not mail.user.email:
        mail.outcome = "nothing"
        return
    try:
        mail.outgoing = render_email(mail.user.email, payload["template"],
                                     email_context(mail.facts, payload.get("extra", {})),
                                     payload["message_id"], locale=mail.user.locale)
    except Exception as error:  # one bad e-mail must not hold back the others
        log.exception("outbox %s: the e-mail could not be rendered", mail.row.id)
        mail.outcome, mail.error = "broken", f"{type(error).__name__}: {error}"


def _record(mails: list[Mail], now: datetime) -> None:
    """Timeline lines for what was sent, refused or is late; every row's outcome (no
    commit)."""
    if not mails:
        return
    _timeline("email_sent", [mail for mail in mails if mail.outcome == "sent"])
    for mail in mails:
        if (mail.outcome == "sent" and mail.facts is not None
                and mail.row.payload["template"] == "case_answered"
                and mail.user.id == mail.facts["reporter_id"]):
            mark_answer_delivered(db.session.get(Report, mail.facts["id"]))
        elif mail.outcome == "refused":
            report = db.session.get(Report, mail.facts["id"]) if mail.facts else None
            _record_refusal(db.session.get(User, mail.user.id), report, mail.row.payload,
                            mail.code)
    alarmed = {row.id for row in settle(
        [mail.row.id for mail in mails if mail.outcome in ("sent", "nothing")],
        [_failure(mail) for mail in mails if mail.outcome in ("retry", "broken", "refused")],
        [mail.row for mail in mails if mail.outcome == "untried"], now)}
    # The case is told once that an e-mail about it is late: when its tries began to
    # count as failing; "email_sent" follows when it goes out.
    _timeline("email_delayed", [mail for mail in mails if mail.row.id in alarmed])
    db.session.flush()


def _timeline(kind: str, mails: list[Mail]) -> None:
    """One line per e-mail on its case's timeline, in one statement."""
    moment = utcnow()
    events = [{"report_id": mail.facts["id"], "actor_id": None, "kind": kind, "text": "",
               "created_at": moment,
               "data": {"template": mail.row.payload["template"], "user_id": mail.user.id,
                        "recipient": mail.user.full_name}}
              for mail in mails if mail.facts is not None and mail.user is not None]
    if events:
        db.session.execute(insert(ReportEvent.__table__), events)


def _failure(mail: Mail) -> Failure:
    if mail.outcome == "refused":
        return Failure(mail.row, f"recipient refused ({mail.code})", Failing.FINAL)
    kind = Failing.FAULT if mail.outcome == "broken" else Failing.OUTAGE
    return Failure(mail.row, mail.error, kind)


def _record_refusal(user: User, report: Report | None, payload: dict[str, Any],
                    code: int) -> None:
    """A refused address is written down and the coordinators are told. The row fails
    (``_failure``) for an administrator to re-queue once the address is mended."""
    organization_ids = {m.unit.organization_id for m in user.memberships}
    if report is not None:
        record_event(report, "email_failed", None, template=payload["template"],
                     user_id=user.id, recipient=user.full_name, smtp_code=code)
    for organization_id in sorted(organization_ids):
        for coordinator in recipients.coordinators(organization_id):
            if coordinator.id != user.id:
                queue_email(coordinator, "delivery_failed",
                            f"refused:{payload['message_id']}", report=report,
                            extra={"recipient": user.full_name, "username": user.username})
    db.session.flush()
