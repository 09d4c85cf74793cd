"""The worker heartbeat: one row per name, moved forward by each core.heartbeat run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from avvik.core.heartbeat import WORKER, WorkerHeartbeat, last_heartbeat, record_heartbeat
from avvik.extensions import db
from tests.clock import Clock
from workers.core import heartbeat


def test_no_heartbeat_recorded_reads_as_none(db_session: object) -> None:
    assert last_heartbeat() is None


def test_recording_again_moves_the_one_row_forward(db_session: object) -> None:
    first = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    record_heartbeat(WORKER, first)
    record_heartbeat(WORKER, first + timedelta(seconds=30))

    assert last_heartbeat() == first + timedelta(seconds=30)
    assert db.session.query(WorkerHeartbeat).count() == 1


def test_heartbeat_task_records_the_current_time(db_session: object, clock: Clock) -> None:
    heartbeat.run()

    assert last_heartbeat() == clock.now
