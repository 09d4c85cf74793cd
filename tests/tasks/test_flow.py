"""Submit -> routed by the right rule -> e-mailed, through a real worker, Redis and SMTP."""

from __future__ import annotations

import pytest

from avvik.notifications.services import message_id_for
from avvik.outbox.dispatch import publish
from tests.tasks.system import (
    DESCRIPTION,
    System,
    message_text,
)

pytestmark = pytest.mark.slow


def test_a_submitted_case_is_routed_by_its_rule_and_mailed_once_without_health_data(
        system: System) -> None:
    cast = system.cast
    system.start_worker()

    report_id = system.file_case()
    system.wait_for_mail(2)
    rows = system.wait_until_settled()

    case = system.report(report_id)
    # The category rule beats the catch-all rule of the same organisation.
    assert case["status"] == "routed"
    assert case["routing_rule_id"] == cast.ids["rule"]
    assert case["responsible_unit_id"] == cast.ids["ward"]
    assert case["routing_basis"] == "rule"
    # One e-mail to each of the ward's leader and handler, nobody else.
    assert sorted(m["To"] for m in system.mail()) == sorted(
        [cast.ward_handler.email, cast.ward_leader.email])
    stamp = int(case["routed_at"].timestamp())
    for person in (cast.ward_handler, cast.ward_leader):
        [message] = system.mail_to(person.email)
        assert message["Message-ID"] == message_id_for(f"routed:{report_id}:{stamp}:{person.id}")
        text = message_text(message)
        assert DESCRIPTION not in text and "Marevan" not in text
        assert case["case_number"] in message["Subject"]
        assert f"{system.app.config['BASE_URL']}/reports/{report_id}" in text
    # The timeline tells the story: routed, then one e-mail per recipient.
    kinds = [kind for kind, _ in case["events"]]
    assert kinds[:2] == ["submitted", "routed"]
    sent = sorted(data["user_id"] for kind, data in case["events"] if kind == "email_sent")
    assert sent == sorted([cast.ward_handler.id, cast.ward_leader.id])
    assert [r["task"] for r in rows] == ["reports.route", "mail.routed", "mail.send",
                                         "mail.send"]

    # The same work delivered again (a redelivery, a resent copy) sends nothing more:
    # the rows are claimed once, and the Message-ID stays the one derived from the case.
    for row in rows:
        assert publish(row["id"], row["task"])
    # A later case queues behind the re-sent copies: once its e-mail is in, they are done.
    marker = system.file_case(category_id=cast.ids["other_category"])
    [marker_mail] = system.wait_for_mail(3)[2:]
    system.wait_until_settled()
    assert marker_mail["To"] == cast.other_ward_handler.email
    assert system.report(marker)["routing_rule_id"] == cast.ids["catch_all_rule"]
    assert len(system.mail()) == 3
    system.assert_no_message_twice()
