"""Recovery of the outbox, with real workers, Redis, PostgreSQL or SQLite and SMTP: a
mail server away for longer than the retries' alarm.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from avvik.health.services import health
from avvik.outbox.models import OutboxState
from tests.tasks.private_redis import PrivateRedis
from tests.tasks.processes import wait_for
from tests.tasks.system import System, database_url, start_system  # noqa: F401
from tests.tasks.test_chaos import (  # noqa: F401  (redis: fixture)
    LEASE,
    assert_each_routed_mail_once,
    redis,
)

pytestmark = pytest.mark.slow

#: A row counts as failing after this many tries, which come at most a second apart.
ALARM = 3
SHORT_RETRIES = {"OUTBOX_ALARM_ATTEMPTS": str(ALARM), "OUTBOX_RETRY_CAP_SECONDS": "1"}


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str,  # noqa: F811
           redis: PrivateRedis) -> Iterator[System]:  # noqa: F811
    yield from start_system(tmp_path, monkeypatch, database_url, redis.url,
                            **LEASE, **SHORT_RETRIES)


def test_an_smtp_outage_longer_than_the_retries_alarm_costs_time_not_email(
        system: System) -> None:
    system.smtp.stop()
    system.start_worker(beat=True)
    report_id = system.file_case()

    def mail_rows() -> list[dict[str, Any]]:
        return [r for r in system.outbox() if r["task"] == "mail.send"]

    wait_for(lambda: len(mail_rows()) == 2 and all(
        r["attempts"] >= ALARM + 2 for r in mail_rows()), 90,
        f"the e-mails to be tried {ALARM + 2} times:\n{system.worker_logs()}")
    assert {r["state"] for r in mail_rows()} <= {OutboxState.PENDING, OutboxState.PROCESSING}
    status = system.read(health)
    assert not status.healthy and status.outbox_failing == 2, status
    assert [p for p in status.problems if p.startswith("outbox: 2 message(s) failing")]
    delayed = [d for kind, d in system.report(report_id)["events"] if kind == "email_delayed"]
    assert sorted(d["user_id"] for d in delayed) == sorted(
        [system.cast.ward_handler.id, system.cast.ward_leader.id])
    assert system.mail() == []

    system.smtp.start()
    system.wait_for_mail(2, timeout=60)
    assert_each_routed_mail_once(system, report_id)
    status = system.read(health)
    assert status.outbox_failing == 0
    assert not [p for p in status.problems if p.startswith("outbox")], status
