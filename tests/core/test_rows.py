"""avvik.core.rows: a new row in one INSERT, its object then persistent as if loaded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from avvik.core.rows import insert_row, keep_as_loaded
from avvik.extensions import db
from avvik.reports.models import Report, ReportEvent, ReportStatus
from tests.sql_log import data_verbs, recorded_sql


def _new_report(world) -> Report:
    return Report(reporter=world.reporter, reporting_unit=world.home_care,
                  reporting_organization=world.kommune, receiving_organization=world.hospital,
                  agreement=world.agreement, status=ReportStatus.DRAFT,
                  event_date=date(2026, 3, 2), description="Epikrise manglet.", events=[])


def test_the_row_holds_what_the_object_holds_and_its_defaults(world):
    report = _new_report(world)
    new_id = insert_row(report)
    assert report.id == new_id > 0
    # Defaults are written and set on the object alike.
    assert (report.reopen_count, report.escalation_level, report.version) == (0, 0, 1)
    assert report.suggestion == "" and report.created_at is not None
    row = db.session.execute(select(Report.__table__).where(Report.id == new_id)).one()
    # Foreign keys come from the related objects, as a flush would take them.
    assert (row.reporter_id, row.reporting_unit_id, row.reporting_organization_id,
            row.receiving_organization_id, row.agreement_id, row.receiving_unit_id) == (
        world.reporter.id, world.home_care.id, world.kommune.id, world.hospital.id,
        world.agreement.id, None)
    assert (row.description, row.event_date, row.status) == (
        "Epikrise manglet.", date(2026, 3, 2), "draft")
    assert row.created_at is not None and row.version == 1


def test_kept_objects_need_no_sql_to_read_or_to_commit(world):
    report = _new_report(world)
    insert_row(report)
    line = ReportEvent(report=report, kind="submitted", actor=world.reporter, data={})
    insert_row(line)
    assert line.report_id == report.id
    with recorded_sql() as seen:
        keep_as_loaded(line, report)
        assert report in db.session and line in db.session
        assert report.events == [line] and line.actor is world.reporter
        assert report.agreement is world.agreement and report.receiving_unit is None
        db.session.flush()
    assert data_verbs(seen) == []  # neither a reload nor a second INSERT
    # Later changes are written as usual, against the version the INSERT wrote.
    report.description = "Epikrise manglet ved utskrivning."
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Report, report.id).version == 2
    assert [e.kind for e in db.session.get(Report, report.id).events] == ["submitted"]


def test_only_a_new_object_is_inserted(world):
    report = _new_report(world)
    insert_row(report)
    keep_as_loaded(report)
    with pytest.raises(ValueError, match="not transient"):
        insert_row(report)


def test_a_related_object_must_be_written_first(world):
    line = ReportEvent(report=_new_report(world), kind="submitted", data={})
    with pytest.raises(ValueError, match=r"report: .* is not written yet"):
        insert_row(line)
