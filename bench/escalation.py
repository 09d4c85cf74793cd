"""Escalation at scale: one sweep over ``open_cases`` open cases of which
``overdue_cases`` have passed their answer deadline, then the e-mail rate of 1 and 2
workers (one process each, one e-mail per task) against plain smtplib
(bench/mail_floor.py) sending the same messages, already built: one connection per
e-mail, and one connection for all (as each worker process keeps one open). One worker
and the floors take turns (see ``in_turns``)."""

from __future__ import annotations

import base64
import json
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text, update

from avvik.core.mail import build_message
from avvik.core.timeutil import utcnow
from avvik.escalation.services import sweep
from avvik.extensions import db
from avvik.notifications.delivery import case_facts, email_context
from avvik.outbox.dispatch import publish_all, publish_committed
from avvik.outbox.models import OutboxMessage
from avvik.users.models import User
from bench.env import World
from bench.procs import Process, celery_worker, descendants, peak_rss_mb, wait_ready

OPEN = "('routed', 'acknowledged')"
#: The one worker and its floors come in this many turns each, taken in rotation.
ROUNDS = 3
#: What takes turns, in this order.
TURNS = ("floor", "worker", "floor_per_message")
#: The fewest e-mails a worker's turn sends.
MIN_TURN_MAILS = 1000


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
    publish_committed()  # publish the e-mails, as the sweep task does after its commit
    published = time.perf_counter() - started
    return {"sweep_s": round(seconds, 3), "escalations": len(steps),
            "outbox_rows": after - before, "publish_s": round(published, 3)}


def mail_ids() -> list[int]:
    """The sweep's e-mails (every ``mail.send`` row), by id."""
    ids = list(db.session.execute(select(OutboxMessage.id).where(
        OutboxMessage.task == "mail.send").order_by(OutboxMessage.id)).scalars())
    db.session.commit()
    return ids


def reset_mail(world: World, span: tuple[int, int] | None = None) -> int:
    """Make the e-mails with ids in ``span`` (first, last; all of the sweep's when None)
    unsent again and publish one message per row, as the sweep's ring does (an empty
    queue first); every other e-mail is left done, so that a worker finds only these
    due. Returns how many. Each run sends its e-mails from the start, whatever the one
    before it left."""
    import redis

    client = redis.Redis.from_url(world.redis_url)
    try:
        client.delete("bench", "unacked", "unacked_index")
    finally:
        client.close()
    mail = OutboxMessage.task == "mail.send"
    chosen = mail if span is None else mail & OutboxMessage.id.between(*span)
    if span is not None:
        db.session.execute(update(OutboxMessage).where(mail, ~OutboxMessage.id.between(*span))
                           .values(state="done", claimed_at=None, done_at=utcnow()))
    db.session.execute(update(OutboxMessage).where(chosen).values(
        state="pending", attempts=0, claimed_at=None, done_at=None, dispatched_at=None,
        last_error=None, available_at=utcnow()))
    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.task).where(chosen)
                              .order_by(OutboxMessage.id)).all()
    db.session.commit()
    # The run before left a dead row version per claim and per send: gone, as after a sweep.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM outbox_messages"))
    return len(publish_all((row.id, row.task) for row in rows))


def mail_rate(world: World, workers: int, log_name: str,
              span: tuple[int, int] | None = None) -> dict[str, Any]:
    """E-mails per second accepted by the SMTP server while ``workers`` fresh workers
    (one process each) send the e-mails of ``span`` (see ``reset_mail``): the rate
    between the 5th and the 95th percentile of arrivals (no start-up, no tail; it is
    ``sent_counted`` e-mails in ``counted_s``, for joining turns), and the whole drain
    from ready."""
    smtp = world.smtp
    total = reset_mail(world, span)
    # Counted from before the first worker starts: with two, the first may be sending
    # before the second is ready, and its first e-mails must still count as this run's.
    start_count = smtp.count
    procs = [celery_worker(f"{log_name}{i}", "bench", world.env(),
                           world.dir / f"{log_name}{i}.log") for i in range(workers)]
    try:
        wait_ready(*procs)
        ready = time.monotonic()
        deadline = ready + max(120.0, 10 * world.sizes.mail_seconds)
        while smtp.count - start_count < total and time.monotonic() < deadline:
            time.sleep(0.05)
        arrivals = smtp.times_since(start_count)
        rss = max(peak_rss_mb(pid) for p in procs for pid in [p.pid, *descendants(p.pid)])
    finally:
        for process in procs:
            process.stop()
    n = len(arrivals)
    low, high = int(n * 0.05), max(int(n * 0.95) - 1, 0)
    window = arrivals[high] - arrivals[low] if n > 1 else 0.0
    return {"mails_per_s": round((high - low) / window, 1) if window > 0 else 0.0,
            "sent": n, "of": total, "sent_counted": high - low,
            "counted_s": round(window, 4),
            "drain_s": round(arrivals[-1] - ready, 2) if arrivals else None,
            "rss_mb": round(rss, 1)}


def floor_messages(world: World, sample: int = 500) -> Path:
    """The first ``sample`` e-mails rendered as the worker renders them, for the floor."""
    rows = db.session.execute(select(OutboxMessage.payload).where(
        OutboxMessage.task == "mail.send").order_by(OutboxMessage.id).limit(sample)).scalars()
    path = world.dir / "floor-messages.jsonl"
    rows = list(rows)
    facts = case_facts(payload["report_id"] for payload in rows)
    with path.open("w") as out:
        for payload in rows:
            user = db.session.get(User, payload["user_id"])
            # The very bytes the worker sends (smtplib's send_message writes them so).
            message = build_message(user.email, payload["template"],
                                    email_context(facts.get(payload["report_id"]),
                                                  payload.get("extra", {})),
                                    payload["message_id"], locale=user.locale)
            out.write(json.dumps({"to": message["To"].addresses[0].addr_spec,
                                  "data": base64.b64encode(message.as_bytes()).decode()})
                      + "\n")
    db.session.commit()
    return path


def floor_rate(world: World, messages: Path, mode: str, seconds: float,
               log_name: str) -> dict[str, Any]:
    """plain smtplib from one process sending ``messages`` for ``seconds`` (bench/
    mail_floor.py in ``mode``): {"sent", "seconds", "mails_per_s"}."""
    floor = Process("mail floor", [sys.executable, "-m", "bench.mail_floor", str(messages),
                                   str(world.smtp.port), str(seconds), mode], world.env(),
                    world.dir / f"{log_name}.log")
    floor.popen.wait(seconds + 60)
    last = (floor.text().strip().splitlines() or [""])[-1]
    if floor.popen.returncode != 0 or not last.startswith("{"):
        raise RuntimeError(f"the mail floor failed:\n{floor.text()[-3000:]}")
    out = json.loads(last)
    return {key: out[key] for key in ("sent", "seconds", "mails_per_s")}


def in_turns(world: World, say: Callable[[str], None]) -> dict[str, list[dict[str, Any]]]:
    """One worker and both floors in ``ROUNDS`` turns (one-connection floor, worker,
    per-message floor, floor, ...): a machine whose speed drifts during the step slows
    all three alike, instead of whichever ran in the slow minute. A floor's turn lasts a
    third of ``mail_seconds``; the worker's (a fresh process each time, so that every
    turn's start is alike) sends as many of the sweep's e-mails as the floor sent just
    before it, so that its turn lasts about as long whatever the host's speed."""
    ids = mail_ids()
    messages = floor_messages(world)
    seconds = world.sizes.mail_seconds / ROUNDS
    turns: dict[str, list[dict[str, Any]]] = {name: [] for name in TURNS}
    for number in range(ROUNDS):
        floor = floor_rate(world, messages, "one-connection", seconds,
                           f"mail-floor-one-connection-turn{number}")
        turns["floor"].append(floor)
        # Never fewer than MIN_TURN_MAILS: enough e-mails that the 5th to 95th
        # percentile window is the steady rate.
        share = min(len(ids), max(floor["sent"], MIN_TURN_MAILS))
        turns["worker"].append(mail_rate(world, 1, f"mail1-turn{number}-",
                                         (ids[0], ids[share - 1])))
        turns["floor_per_message"].append(floor_rate(
            world, messages, "per-message", seconds, f"mail-floor-per-message-turn{number}"))
        rates = ", ".join(f"{name} {runs[-1]['mails_per_s']}" for name, runs in turns.items())
        say(f"escalation: turn {number + 1} of {ROUNDS}: {rates} e-mails/s")
    return turns


def joined_rate(turns: list[dict[str, Any]], sent: str = "sent",
                seconds: str = "seconds") -> float:
    """Every turn's e-mails over every turn's seconds (under those keys): one rate, as
    if the turns were one run."""
    total_s = sum(turn[seconds] for turn in turns)
    return round(sum(turn[sent] for turn in turns) / total_s, 1) if total_s > 0 else 0.0


def run(world: World, memory: dict[str, Any], say: Callable[[str], None]) -> dict[str, Any]:
    """The whole step: shape, sweep, 1 worker against both floors in turns, 2 workers.

    The worker keeps one SMTP connection open, so the one-connection floor is the like
    for like and gives the ratio; the per-message floor (what the worker was first
    measured against, when it opened a connection per e-mail) is kept beside it. Two
    workers have no floor of their own: one run, draining every e-mail.
    """
    sizes = world.sizes
    say(f"escalation: {sizes.open_cases} open, {sizes.overdue_cases} overdue")
    shaped = shape(sizes.open_cases, sizes.overdue_cases)
    swept = timed_sweep()
    say(f"escalation: {shaped} {swept}")
    turns = in_turns(world, say)
    two = mail_rate(world, 2, "mail2-")
    memory["mail_workers"] = {"largest": max(two["rss_mb"], *(
        turn["rss_mb"] for turn in turns["worker"]))}
    one = joined_rate(turns["worker"], "sent_counted", "counted_s")
    one_connection, per_message = joined_rate(turns["floor"]), joined_rate(
        turns["floor_per_message"])
    workers = turns["worker"]
    joined = {"mails_per_s": one, "sent": sum(t["sent"] for t in workers),
              "of": sum(t["of"] for t in workers),
              "drain_s": round(sum(t["drain_s"] or 0 for t in workers), 2),
              "rss_mb": max(t["rss_mb"] for t in workers)}
    # Each round's worker against its one-connection floor: the spread the joined ratio
    # evens out.
    rounds = [round(w["mails_per_s"] / f["mails_per_s"], 3) if f["mails_per_s"] else None
              for w, f in zip(workers, turns["floor"], strict=True)]
    return {"sweep_s": swept["sweep_s"], "mails_per_s_1_worker": one,
            "mails_per_s_2_workers": two["mails_per_s"],
            "floor_mails_per_s": one_connection,
            "ratio": round(one / one_connection, 3) if one_connection else None,
            "ratio_2_workers": (round(two["mails_per_s"] / one_connection, 3)
                                if one_connection else None),
            "floor_per_message_mails_per_s": per_message,
            "ratio_per_message": round(one / per_message, 3) if per_message else None,
            "rounds": ROUNDS, "round_ratios": rounds,
            "round_ratio_range": f"{min(rounds)}-{max(rounds)}" if None not in rounds else None,
            "turn_rates": {name: [turn["mails_per_s"] for turn in runs]
                           for name, runs in turns.items()},
            "turns": turns, "workers": {"1": joined, "2": two}, "shape": shaped, "sweep": swept}
