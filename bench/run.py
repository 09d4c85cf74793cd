"""``python -m bench.run [--quick] [--only STEP,...]``: Avvik's benchmarks, each figure
beside its floor, written to bench/results/latest.json (quick.json with --quick).

Steps, in order: data (PostgreSQL), signin, intake, routing (Redis), dashboards (with the
measures list), measures_list (its filters and pages, for each kind of viewer), browser (the
heavy pages in Chromium until drawn), lists, escalation, embedded (SQLite + the embedded
Valkey broker). Everything runs on 127.0.0.1: a fresh PostgreSQL database (dropped at the
end), a private redis-server, an SMTP server in this process.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.env import FULL, QUICK, World, make_app, world
from bench.procs import Process, gunicorn, tree_peak_rss_mb

STEPS = ("signin", "intake", "routing", "dashboards", "measures_list", "browser", "lists",
         "escalation", "embedded")
RESULTS = Path(__file__).resolve().parent / "results"
#: Steps that read no cases: run alone, they skip generating the history.
NO_CASES_NEEDED = {"signin"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short loads")
    parser.add_argument("--only", default=",".join(STEPS), help="comma-separated steps")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    steps = [s for s in args.only.split(",") if s]
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    sizes = QUICK if args.quick else FULL
    output = args.output or RESULTS / ("quick.json" if args.quick else "latest.json")
    started = time.monotonic()
    with world(sizes) as w:
        results = run_steps(w, steps)
    results["total_minutes"] = round((time.monotonic() - started) / 60, 1)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(report.table(results))
    print(f"\nwritten to {output}")


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_steps(w: World, steps: list[str]) -> dict[str, Any]:
    from avvik.core.timeutil import utcnow
    from avvik.extensions import db
    from bench import data

    results: dict[str, Any] = {"machine": report.machine(w.database_url),
                               "cases": w.sizes.pg_cases, "sizes": w.sizes.__dict__}
    memory: dict[str, Any] = {}
    app = make_app(w.settings)
    with app.app_context():
        db.create_all()
        if set(steps) - NO_CASES_NEEDED:
            _say(f"generating {w.sizes.pg_cases} cases on PostgreSQL")
            begun = time.perf_counter()
            loaded = data.load(w.sizes.pg_cases, w.sizes.years, utcnow())
            data.analyze()
            results["data"] = {"cases": loaded.cases, "events": loaded.events,
                               "measures": loaded.measures,
                               "load_s": round(time.perf_counter() - begun, 1)}
            _say(f"data: {results['data']}")
        if {"signin", "intake", "routing", "dashboards", "measures_list", "browser"} & set(steps):
            web = gunicorn("web", "avvik.wsgi:app", w.web_port, w.env(), w.dir / "web.log")
            try:
                _web_steps(w, steps, web, results, memory)
                memory["web"] = tree_peak_rss_mb(web)
            finally:
                web.stop()
        if "lists" in steps:
            from bench import lists

            _say("lists: list_reports for the demo's people")
            results["lists"] = lists.run()
            _say(f"lists: worst p50 {results['lists']['worst_p50_ms']} ms")
        if "escalation" in steps:
            results["escalation"] = _escalation(w, memory)
    if "embedded" in steps:
        _say("embedded: SQLite + avvik serve")
        from bench import embedded
        results["embedded"] = embedded.run(w)
        memory["embedded"] = results["embedded"].pop("memory")
        routing = results.setdefault("routing", {})
        routing["embedded_p50_s"] = results["embedded"]["p50_s"]
        routing["embedded_p95_s"] = results["embedded"]["p95_s"]
    results["memory"] = report.memory_summary(memory)
    return results


def _web_steps(w: World, steps: list[str], web: Process, results: dict[str, Any],
               memory: dict[str, Any]) -> None:
    from bench import dashboards, intake, routing
    from bench.procs import celery_worker, wait_ready

    if "signin" in steps:
        from bench import signin

        people = 50
        _say(f"signin: {people} people at once, first with old hashes, then renewed")
        results["signin"] = signin.run(w.web_port, signin.make_people(people),
                                       rounds=2 if w.sizes is QUICK else 5)
        memory["signin_web"] = tree_peak_rss_mb(web)
        results["signin"]["web_rss_mb"] = memory["signin_web"]["largest_child"]
        _say(f"signin: {results['signin']}")
    if "intake" in steps:
        _say(f"intake: {w.sizes.intake_seconds:.0f} s app, then floor")
        results["intake"] = intake.run(
            w, web, lambda queue="bench": report.forget_queue(w.redis_url, queue))
        _say(f"intake: {results['intake']['app']} / floor {results['intake']['floor']}")
    if "routing" in steps:
        _say(f"routing on Redis: {w.sizes.routing_cases} cases")
        worker = celery_worker("route", "bench", w.env(), w.dir / "route-worker.log")
        try:
            wait_ready(worker)
            plans = intake.reporter_plans(4)
            returned = routing.file_cases(w.web_port, plans, w.sizes.routing_cases, w.smtp,
                                          budget_seconds=600)
            figures = routing.figures(routing.latencies(w.smtp, returned), len(returned))
            memory["routing_worker"] = tree_peak_rss_mb(worker)
        finally:
            worker.stop()
        results["routing"] = {"redis_p50_s": figures["p50_s"], "redis_p95_s": figures["p95_s"],
                              "redis": figures}
        _say(f"routing: {figures}")
    if "dashboards" in steps:
        _say("dashboards: queries, then pages")
        queries = dashboards.query_figures(w.database_url, w.sizes.query_repeats)
        pages = dashboards.page_figures(w.web_port, w.sizes.page_repeats)
        results["dashboard"] = report.dashboard_summary(queries, pages)
        _say(f"dashboards: {results['dashboard']['pages']}")
    if "measures_list" in steps:
        from bench import measures_list

        _say("measures list: each kind of viewer, filters and a deep page")
        results["measures_list"] = measures_list.run(w.web_port, w.sizes.page_repeats)
        _say(f"measures list: worst p95 {results['measures_list']['worst_p95_ms']} ms "
             f"({results['measures_list']['worst']})")
    if "browser" in steps:
        from bench import browser_pages

        _say("browser: measures dashboard, yearly page, measures list in Chromium")
        results["browser"] = browser_pages.run(w.web_port, w.sizes.page_repeats)
        _say(f"browser: {results['browser']}")


def _escalation(w: World, memory: dict[str, Any]) -> dict[str, Any]:
    from bench import escalation

    out = escalation.run(w, memory, _say)
    _say(f"escalation: {out}")
    return out


if __name__ == "__main__":
    main()
