"""Intake: 8 clients file reports through POST /api/v1/reports for a fixed time, against
the app and against the floor (bench/floor_app.py), both under gunicorn with 2 processes.
No worker runs meanwhile: its work is measured apart, and both servers get the same CPU.

And the same load against two more floors, all four taking turns (see ``_in_turns``):
- the stack floor (bench/stack_floor.py): the floor's INSERT served by the app itself.
  app / floor = (stack / floor) x (app / stack): what the app's framework costs, and
  what its rules cost on top;
- the statements floor (bench/statements_floor.py): the statements and the broker
  message a filed report costs the app, sent by the bare stack. statements / floor is
  the most any code that keeps those statements could reach; app / statements is what
  the app's Python costs around them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, text

from avvik.api.services import create_token
from avvik.core.timeutil import oslo_today
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage
from avvik.reports.models import CaseNumberCounter, Report, ReportEvent, ReportStatus
from avvik.users.models import Membership, Role, User
from bench.env import World
from bench.load import LoadResult, percentile, run_load
from bench.procs import Process, free_port, gunicorn

CLIENTS = 8
#: Each server's load comes in this many turns, taken in rotation.
ROUNDS = 3
URL = "/api/v1/reports"
STACK_URL = "/bench/stack-floor/api/v1/reports"
#: The Redis list the statements floor pushes its messages to (emptied between turns).
STATEMENTS_QUEUE = "bench-statements-floor"
BODY_FIELDS = ("receiving_organization_id", "receiving_unit_id", "agreement_id",
               "transition_id", "category_id", "description", "immediate_measures",
               "consequence", "potential_consequence")

Plan = tuple[dict[str, str], list[dict[str, Any]]]


def reporter_plans(count: int, bodies_each: int = 20) -> list[Plan]:
    """``count`` reporters of different units, each with a token and valid bodies drawn
    from what their unit has reported before. Commits the tokens."""
    today = oslo_today()
    busiest = db.session.execute(
        select(Report.reporting_unit_id).where(Report.status == ReportStatus.CLOSED)
        .group_by(Report.reporting_unit_id).order_by(func.count().desc())).scalars().all()
    plans: list[Plan] = []
    for unit_id in busiest:
        user = db.session.execute(
            select(User).join(Membership).where(Membership.unit_id == unit_id,
                                                Membership.role == Role.REPORTER)
            .order_by(User.id).limit(1)).scalar_one_or_none()
        if user is None:
            continue
        _token, plain = create_token(user, "bench")
        rows = db.session.execute(
            select(*(getattr(Report, f) for f in BODY_FIELDS))
            .where(Report.reporting_unit_id == unit_id, Report.status == ReportStatus.CLOSED)
            .order_by(Report.id.desc()).limit(bodies_each)).all()
        bodies = [{**{f: getattr(v, "value", v) for f, v in zip(BODY_FIELDS, row, strict=True)},
                   "reporting_unit_id": unit_id,
                   "event_date": (today - timedelta(days=3)).isoformat(),
                   "discovered_date": (today - timedelta(days=2)).isoformat()}
                  for row in rows]
        plans.append(({"Authorization": f"Bearer {plain}"}, bodies))
        if len(plans) == count:
            break
    db.session.commit()
    return plans


def summary(result: LoadResult) -> dict[str, Any]:
    lat = result.latencies
    return {"requests": len(lat), "seconds": round(result.seconds, 2),
            "rps": round(result.rps, 1), "p50_ms": round(percentile(lat, 0.5) * 1000, 1),
            "p99_ms": round(percentile(lat, 0.99) * 1000, 1), "errors": result.errors}


def forget_new_reports(after_id: int, counters: dict[int, int]) -> int:
    """Remove what a load run filed (rows above ``after_id``, floor rows, their outbox
    rows), so that the data set keeps its size; commits."""
    new = select(Report.id).where((Report.id > after_id)
                                  | Report.case_number.like("FL-%")).scalar_subquery()
    db.session.execute(delete(ReportEvent).where(ReportEvent.report_id.in_(new)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.state == "pending"))
    gone = db.session.execute(delete(Report).where(Report.id.in_(new))).rowcount
    for year, value in counters.items():
        db.session.execute(text("UPDATE case_number_counters SET last_value = :v "
                                "WHERE year = :y"), {"v": value, "y": year})
    db.session.commit()
    return gone


def _ratio(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    return round(a["rps"] / b["rps"], 3) if b["rps"] else None


def run(world: World, web: Process, forget_queue: Callable[..., None]) -> dict[str, Any]:
    """Measure the app (already served by ``web``) and the three floors in turns;
    returns the figures. ``forget_queue(name)`` empties a Redis list ("bench" when
    no name is given)."""
    plans = reporter_plans(CLIENTS)
    first_reporter = db.session.execute(
        select(Membership.user_id).where(Membership.role == Role.REPORTER)).scalars().first()
    last_id = db.session.scalar(select(func.max(Report.id)))
    counters = dict(db.session.execute(
        select(CaseNumberCounter.year, CaseNumberCounter.last_value)).all())
    db.session.commit()
    env = world.env(BENCH_FLOOR_DATABASE_URL=world.database_url,
                    BENCH_FLOOR_REPORTER_ID=str(first_reporter),
                    BENCH_FLOOR_REDIS_URL=world.redis_url,
                    BENCH_FLOOR_QUEUE=STATEMENTS_QUEUE)
    ports = {"stack_floor": free_port(), "statements_floor": free_port()}
    servers = [gunicorn("floor", "bench.floor_app:app", world.floor_port, env,
                        world.dir / "floor.log")]
    try:
        servers.append(gunicorn("stack", "bench.stack_floor:app", ports["stack_floor"], env,
                                world.dir / "stack.log"))
        servers.append(gunicorn("statements", "bench.statements_floor:app",
                                ports["statements_floor"], env, world.dir / "statements.log"))
        targets = {"app": (world.web_port, URL), "floor": (world.floor_port, URL),
                   "stack_floor": (ports["stack_floor"], STACK_URL),
                   "statements_floor": (ports["statements_floor"], URL)}

        def clean() -> None:
            forget_queue()
            forget_queue(STATEMENTS_QUEUE)
            forget_new_reports(last_id, counters)
        results = _in_turns(targets, plans, world.sizes.intake_seconds, clean)
    finally:
        for server in servers:
            server.stop()
    a, f, s, q = (summary(results[name])
                  for name in ("app", "floor", "stack_floor", "statements_floor"))
    app = results["app"]
    return {"rps": a["rps"], "p50_ms": a["p50_ms"], "p99_ms": a["p99_ms"],
            "floor_rps": f["rps"], "floor_p50_ms": f["p50_ms"], "floor_p99_ms": f["p99_ms"],
            "ratio": _ratio(a, f), "stack_floor_rps": s["rps"],
            "stack_ratio": _ratio(s, f), "rules_ratio": _ratio(a, s),
            "statements_floor_rps": q["rps"], "statements_ratio": _ratio(q, f),
            "python_ratio": _ratio(a, q),
            "clients": CLIENTS, "rounds": ROUNDS, "app": a, "floor": f, "stack_floor": s,
            "statements_floor": q,
            "sample_answer": (app.bodies[0][:300].decode("utf-8", "replace")
                              if app.bodies else None)}


def _in_turns(targets: dict[str, tuple[int, str]], plans: list[Plan], seconds: float,
              clean: Callable[[], object]) -> dict[str, LoadResult]:
    """``seconds`` of load on each target, in ``ROUNDS`` turns of a third each (app,
    floor, stack floor, statements floor, app, ...): a machine whose speed drifts during
    the run slows every server alike, instead of whichever ran in the slow minute. Each
    turn starts on the data set as it was (``clean``); only the first is warmed up."""
    turns: dict[str, list[LoadResult]] = {name: [] for name in targets}
    for round_number in range(ROUNDS):
        for name, (port, url) in targets.items():
            turns[name].append(run_load(port, url, plans, clients=CLIENTS,
                                        seconds=seconds / ROUNDS,
                                        warmup=2.0 if round_number == 0 else 0))
            clean()
    return {name: _joined(results) for name, results in turns.items()}


def _joined(results: list[LoadResult]) -> LoadResult:
    joined = LoadResult(sum(r.seconds for r in results))
    for result in results:
        joined.latencies.extend(result.latencies)
        joined.bodies.extend(result.bodies[:3 - len(joined.bodies)])
        for key, count in result.errors.items():
            joined.errors[key] = joined.errors.get(key, 0) + count
    return joined
