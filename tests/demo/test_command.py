"""``avvik demo-data``: refused in production, never duplicates, prints a summary."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from avvik.demo.services import DemoRefused, load_demo_data
from avvik.extensions import db
from avvik.organizations.models import Organization
from avvik.reports.models import Report
from avvik.users.models import User
from tests.demo.clock import NOW


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_command_loads_the_demo_and_prints_a_summary_with_the_logins(
        app: Flask, db_session: object) -> None:
    result = app.test_cli_runner().invoke(args=["demo-data", "--history-size", "30"])
    assert result.exit_code == 0, result.output
    assert "Organisations: 9" in result.output
    assert "Cases: 30" in result.output
    assert "melder.kommune" in result.output and "avvik-demo-2026" in result.output
    assert _count(Report) == 30


def test_command_is_refused_in_production_with_one_line(
        app: Flask, db_session: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["demo-data", "--history-size", "5"])
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1
    assert "production" in result.output
    assert _count(Organization) == 0


def test_second_run_changes_nothing(app: Flask, db_session: object) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data", "--history-size", "20"]).exit_code == 0
    before = (_count(Organization), _count(User), _count(Report))
    result = runner.invoke(args=["demo-data", "--history-size", "20"])
    assert result.exit_code == 0
    assert "already holds organisations" in result.output
    assert (_count(Organization), _count(User), _count(Report)) == before


def test_service_refuses_a_database_that_has_organisations(db_session: object) -> None:
    load_demo_data(now=NOW, history_size=0)
    with pytest.raises(DemoRefused):
        load_demo_data(now=NOW, history_size=0)


def test_service_refuses_production(db_session: object) -> None:
    with pytest.raises(DemoRefused):
        load_demo_data(now=NOW, history_size=0, environment="production")
    assert _count(Organization) == 0
