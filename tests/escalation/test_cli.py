"""``avvik escalate`` prints what it does, and with --dry-run changes nothing."""

from __future__ import annotations

from datetime import datetime

from avvik.core.timeutil import OSLO
from avvik.escalation import cli
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report

ROUTED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


def test_escalate_dry_run_then_for_real(app, world):
    report = create_draft(world.reporter, world.report_input(), now=ROUTED_AT)
    submit_report(world.reporter, report, now=ROUTED_AT)
    route_report(report, now=ROUTED_AT)
    runner = app.test_cli_runner()
    planned = runner.invoke(cli.escalate_command,
                            ["--now", "2026-12-15T10:00:00+01:00", "--dry-run"])
    assert planned.exit_code == 0, planned.output
    assert "SA-2026-00001: escalation to level 1" in planned.output
    assert "1 step(s) planned" in planned.output
    assert report.escalation_level == 0


def test_escalate_refuses_a_time_without_zone(app, db_session):
    result = app.test_cli_runner().invoke(cli.escalate_command, ["--now", "2026-12-15T10:00"])
    assert result.exit_code != 0 and "time zone" in result.output
