"""The start page: a work queue for each role, unread markers, the figures, the empty state."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from avvik.extensions import db
from avvik.reports.queue import work_queue
from avvik.reports.services import acknowledge_report, answer_report
from tests.reports.test_pages_lists import browser_for, routed_case

MINUTE = timedelta(minutes=1)


def start_page(app, user) -> str:
    return browser_for(app, user).get("/").get_data(as_text=True)


def test_the_reporter_sees_the_answer_as_new_until_the_case_is_opened(app, world, clock):
    report = routed_case(world)
    clock.shift(MINUTE)
    answer_report(world.ward_handler, report, "Funn.", "Tiltak.")
    db.session.flush()
    clock.shift(MINUTE)
    browser = browser_for(app, world.reporter)
    page = browser.get("/").get_data(as_text=True)
    assert "Answered: close or reopen (1)" in page and "New in your reports (1)" in page
    assert re.search(rf'{report.case_number}</a> <span class="unread-tag" data-kind="changed">',
                     page)
    assert 'href="/reports/?view=mine&amp;unread=1"' in page
    browser.get(f"/reports/{report.id}")
    clock.shift(MINUTE)
    page = browser.get("/").get_data(as_text=True)
    assert "New in your reports" in page and "unread-tag" not in page
    assert re.search(r"<strong>0</strong> New in your reports", page)


def test_the_handler_sees_what_to_acknowledge_with_links_to_the_lists(app, world, clock):
    report = routed_case(world)
    clock.shift(MINUTE)
    page = start_page(app, world.ward_handler)
    assert "To acknowledge (1)" in page
    assert 'href="/reports/?view=inbox&amp;status=routed"' in page
    assert re.search(rf'{report.case_number}</a> <span class="unread-tag" data-kind="new">'
                     r'<span class="unread-dot" aria-hidden="true"></span>New'
                     r'<span class="ds-sr-only">', page)
    listed = browser_for(app, world.ward_handler).get(
        "/reports/?view=inbox&status=routed").get_data(as_text=True)
    assert report.case_number in listed and 'data-kind="new"' in listed


def test_an_empty_queue_says_what_will_come_there(app, world):
    page = start_page(app, world.ward_handler)
    assert "Nothing waits for you now." in page
    assert "New cases routed to your unit show here" in page
    reporter = start_page(app, world.reporter)
    assert "Nothing waits for you now." in reporter
    assert "New cases routed to your unit" not in reporter
    assert 'href="/reports/new"' in reporter


def test_the_leader_sees_the_units_figures_and_the_admin_keeps_the_links(app, world, clock):
    report = routed_case(world)
    acknowledge_report(world.ward_handler, report)
    db.session.flush()
    page = start_page(app, world.ward_leader)
    assert f"Your units: {world.ward.name}" in page
    assert re.search(r"<dt>Open cases received</dt><dd>1</dd>", page)
    coordinator = start_page(app, world.hospital_coordinator)
    assert f"Your organisation: {world.hospital.name}" in coordinator
    admin = start_page(app, world.admin)
    assert 'href="/organizations/"' in admin and "Your work" in admin


def test_the_start_page_is_in_bokmaal(app, world, clock):
    routed_case(world)
    clock.shift(MINUTE)
    browser = browser_for(app, world.ward_handler)
    world.ward_handler.locale = "nb"
    db.session.flush()
    page = browser.get("/").get_data(as_text=True)
    assert "Mottak skal bekreftes (1)" in page and "Arbeidslisten din" in page
    assert '<span class="unread-dot" aria-hidden="true"></span>Ny<' in page


@pytest.fixture
def statements():
    """The SELECTs the engine runs meanwhile, with their parameters."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_the_queue_is_a_statement_per_section(world, clock, statements):
    routed_case(world)
    clock.shift(MINUTE)
    statements.clear()
    queue = work_queue(world.ward_leader)
    on_reports = [s for s, _ in statements if re.search(r"\bFROM reports\b", s)]
    # Each section, two figures, the rows shown and their markers.
    assert len(on_reports) == len(queue.sections) + 2 + 2


def full_scans(node: dict) -> list[str]:
    """The plan's reads of reports or case_reads that no index condition bounds: a
    sequential scan, or an index walked whole (what the planner falls back to when
    sequential scans are priced out and no index fits)."""
    found = []
    kind, relation = node.get("Node Type"), node.get("Relation Name")
    if kind == "Seq Scan" and relation in ("reports", "case_reads"):
        found.append(f"Seq Scan on {relation}")
    if kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan") \
            and (relation in ("reports", "case_reads") or kind == "Bitmap Index Scan") \
            and "Index Cond" not in node:
        found.append(f"{kind} using {node.get('Index Name')} without a condition")
    for child in node.get("Plans", []):
        found += full_scans(child)
    return found


def test_every_count_of_the_queue_is_answered_by_an_index(app, world, clock, statements):
    """With sequential scans priced out, PostgreSQL still finds a plan that reads reports
    and case_reads only through index conditions: an index bounds every statement
    (bench/lists.py times them over a million cases)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    routed_case(world)
    routed_case(world, category_id=world.other.id)
    clock.shift(MINUTE)
    statements.clear()
    for user in (world.ward_leader, world.hospital_coordinator, world.kommune_leader,
                 world.reporter):
        work_queue(user)
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    explained = 0
    try:
        for statement, parameters in statements:
            if not re.search(r"\bFROM reports\b", statement):
                continue
            explained += 1
            (plan,) = connection.exec_driver_sql(
                "EXPLAIN (FORMAT JSON) " + statement, parameters).scalar_one()
            assert full_scans(plan["Plan"]) == [], statement
    finally:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = on")
    assert explained >= 30
