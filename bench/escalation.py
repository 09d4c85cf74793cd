"""Escalation at scale: one sweep over ``open_cases`` open cases of which
``overdue_cases`` have passed their answer deadline, then the e-mail rate of 1 and 2
workers against plain smtplib (bench/mail_floor.py) sending the same messages."""

from __future__ import annotations

import base64
import json
import sys
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, text

from avvik.core.mail import build_message
from avvik.core.timeutil import utcnow
from avvik.escalation.services import sweep
from avvik.extensions import db
from avvik.notifications.delivery import email_context
from avvik.outbox.dispatch import ring_committed
from avvik.outbox.models import OutboxMessage
from avvik.reports.models import Report
from avvik.users.models import User
from bench.env import World
from bench.procs import Process, celery_worker, descendants, peak_rss_mb, wait_ready

OPEN = "('routed', 'acknowledged')"
WARMUP = 2.0


def shape(open_cases: int, overdue_cases: int) -> dict[str, int]:
    """Make exactly ``open_cases`` cases open (the latest routed ones; the history's own
    open cases beyond them are closed), ``overdue_cases`` of them a day past their answer
    deadline and reminded, the rest with deadlines three weeks ahead. Commits."""
    chosen = ("SELECT id FROM reports WHERE routed_at IS NOT NULL AND status NOT IN "
              "('withdrawn', 'draft', 'awaiting_approval') ORDER BY submitted_at DESC "
              "LIMIT :open")
    db.session.execute(text(
        f"UPDATE reports SET status = 'closed', closed_at = :now, "
        f"answered_at = coalesce(answered_at, :now), "
        f"answer_delivered_at = coalesce(answer_delivered_at, :now) "
        f"WHERE status IN {OPEN} AND id NOT IN ({chosen})"),
        {"now": utcnow(), "open": open_cases})
    db.session.execute(text(
        f"UPDATE reports SET status = 'acknowledged', "
        f"acknowledged_at = coalesce(acknowledged_at, routed_at), answered_at = NULL, "
        f"answered_by_id = NULL, answer_cause = NULL, answer_measures = NULL, "
        f"answer_delivered_at = NULL, closed_at = NULL, reminder_sent_at = NULL, "
        f"escalation_level = 0, escalated_at = NULL, answer_due_at = :ahead "
        f"WHERE id IN ({chosen})"), {"ahead": utcnow() + timedelta(days=21),
                                      "open": open_cases})
    db.session.execute(text(
        f"UPDATE reports SET answer_due_at = :past, reminder_sent_at = :reminded "
        f"WHERE id IN (SELECT id FROM reports WHERE status IN {OPEN} "
        f"ORDER BY md5(id::text) LIMIT :overdue)"),
        {"past": utcnow() - timedelta(days=1), "reminded": utcnow() - timedelta(days=8),
         "overdue": overdue_cases})
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE reports"))
    counts = dict(db.session.execute(text(
        f"SELECT 'open', count(*) FROM reports WHERE status IN {OPEN} UNION ALL "
        f"SELECT 'overdue', count(*) FROM reports WHERE status IN {OPEN} "
        f"AND answer_due_at < now()")).all())
    db.session.commit()
    return counts


def timed_sweep() -> dict[str, Any]:
    """One sweep from a fresh session until its work is committed."""
    db.session.remove()
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    db.session.commit()
    started = time.perf_counter()
    steps = sweep(utcnow())
    db.session.commit()
    seconds = time.perf_counter() - started
    after = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    started = time.perf_counter()
    ring_committed()  # publish the e-mails, as the sweep task does after its commit
    published = time.perf_counter() - started
    return {"sweep_s": round(seconds, 3), "escalations": len(steps),
            "outbox_rows": after - before, "publish_s": round(published, 3)}


def mail_rate(world: World, workers: int, log_name: str) -> tuple[float, float]:
    """E-mails per second accepted by the SMTP server while ``workers`` workers (one
    process each) work the queue; returns (rate, largest worker peak RSS in MiB)."""
    smtp, seconds = world.smtp, world.sizes.mail_seconds
    procs = [celery_worker(f"{log_name}{i}", "bench", world.env(),
                           world.dir / f"{log_name}{i}.log") for i in range(workers)]
    try:
        wait_ready(*procs)
        time.sleep(WARMUP)
        start_count, started = smtp.count, time.monotonic()
        time.sleep(seconds)
        sent, elapsed = smtp.count - start_count, time.monotonic() - started
        rss = max(peak_rss_mb(pid) for p in procs for pid in [p.pid, *descendants(p.pid)])
    finally:
        for process in procs:
            process.stop()
    return sent / elapsed, rss


def floor_rate(world: World, sample: int = 500) -> dict[str, float]:
    """plain smtplib from one process, sending the same (already rendered) messages."""
    rows = db.session.execute(select(OutboxMessage.payload).where(
        OutboxMessage.task == "mail.send").order_by(OutboxMessage.id).limit(sample)).scalars()
    path = world.dir / "floor-messages.jsonl"
    with path.open("w") as out:
        for payload in rows:
            user = db.session.get(User, payload["user_id"])
            report = db.session.get(Report, payload["report_id"])
            message = build_message(user.email, payload["template"],
                                    email_context(report, payload.get("extra", {})),
                                    payload["message_id"], locale=user.locale)
            # Flattened as smtplib.send_message flattens it in the worker.
            data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
            out.write(json.dumps({"to": user.email, "data": base64.b64encode(data).decode()})
                      + "\n")
    db.session.commit()
    result = {}
    for mode in ("per-message", "one-connection"):
        floor = Process("mail floor", [sys.executable, "-m", "bench.mail_floor", str(path),
                                       str(world.smtp.port), str(world.sizes.mail_seconds),
                                       mode], world.env(), world.dir / f"mail-floor-{mode}.log")
        floor.popen.wait(world.sizes.mail_seconds + 60)
        last = (floor.text().strip().splitlines() or [""])[-1]
        if floor.popen.returncode != 0 or not last.startswith("{"):
            raise RuntimeError(f"the mail floor failed:\n{floor.text()[-3000:]}")
        result[mode] = json.loads(last)["mails_per_s"]
    return result
