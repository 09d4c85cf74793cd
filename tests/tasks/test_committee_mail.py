"""The joint committee's e-mails through a real worker, Redis and SMTP: a flagged case
tells the secretariat and the other side's coordinator; the conclusion tells the parties,
each once, with a link to the case and none of its health data."""

from __future__ import annotations

import pytest

from avvik.committee.decisions import record_conclusion, resolve_item
from avvik.committee.models import AgendaStatus
from avvik.committee.services import flag_for_committee
from avvik.extensions import db
from avvik.notifications.services import message_id_for
from avvik.outbox.dispatch import publish_committed
from avvik.reports.models import Report
from avvik.users.models import User
from tests.tasks.system import (
    DESCRIPTION,
    KOMMUNE_COORDINATOR,
    System,
    message_text,
)

pytestmark = pytest.mark.slow

CONCLUSION = "Sykehuset sender legemiddelliste ved utskrivning."


def _flag_conclude_and_return(system: System, report_id: int) -> int:
    """The hospital's coordinator flags the case, the secretariat concludes: one commit."""
    cast = system.cast
    coordinator = db.session.get(User, cast.hospital_coordinator.id)
    secretary = db.session.get(User, cast.secretary.id)
    item = flag_for_committee(coordinator, db.session.get(Report, report_id),
                              "Uenige om ansvaret for legemiddellisten.")
    record_conclusion(secretary, item, CONCLUSION,
                      follow_up_organization_id=cast.ids["hospital"], follow_up_unit_id=None,
                      follow_up_note="Klinikksjef")
    resolve_item(secretary, item, AgendaStatus.RETURNED)
    item_id = item.id
    db.session.commit()
    publish_committed()
    db.session.remove()
    return item_id


def test_the_committee_tells_the_secretariat_and_then_the_parties(system: System) -> None:
    cast = system.cast
    report_id = system.file_case(routed=True)
    item_id = _flag_conclude_and_return(system, report_id)
    system.start_worker()
    system.wait_for_mail(8)  # 2 routing, 2 placing, 4 conclusion
    system.wait_until_settled()

    base = system.app.config["BASE_URL"]
    [placed] = system.mail_to(cast.secretary.email)
    assert "on the joint committee's agenda" in placed["Subject"]
    assert f"{base}/committee/items/{item_id}" in message_text(placed)
    resolved = [m for m in system.mail() if "returns case" in m["Subject"]]
    assert sorted(m["To"] for m in resolved) == sorted([
        cast.reporter.email, cast.ward_leader.email, cast.hospital_coordinator.email,
        KOMMUNE_COORDINATOR])
    kommune = system.mail_to(KOMMUNE_COORDINATOR)
    assert len(kommune) == 2  # told of the placing (the flagging coordinator is not)
    for message in resolved + kommune:
        text = message_text(message)
        assert DESCRIPTION not in text and CONCLUSION not in text
        assert f"{base}/reports/{report_id}" in text
    reporter = system.mail_to(cast.reporter.email)[0]
    assert reporter["Message-ID"] == message_id_for(
        f"committee_resolved:{item_id}:{cast.reporter.id}")
    system.assert_no_message_twice()
