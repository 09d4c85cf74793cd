"""A serious case through a real worker, Redis and SMTP: the responsible unit and both
organisations' coordinators are told at once, with the duty to notify and no health data."""

from __future__ import annotations

import pytest

from avvik.notifications.services import message_id_for
from avvik.reports.models import Consequence
from tests.tasks.system import (
    DESCRIPTION,
    KOMMUNE_COORDINATOR,
    System,
    message_text,
)

pytestmark = pytest.mark.slow



def test_a_serious_case_is_mailed_at_once_to_the_unit_and_both_coordinators(
        system: System) -> None:
    cast = system.cast
    system.start_worker()

    report_id = system.file_case(consequence=Consequence.DEATH,
                                 potential_consequence=Consequence.DEATH)
    system.wait_for_mail(4)
    rows = system.wait_until_settled()

    case = system.report(report_id)
    assert case["status"] == "routed" and case["responsible_unit_id"] == cast.ids["ward"]
    unit = sorted([cast.ward_handler.email, cast.ward_leader.email])
    coordinators = sorted([cast.hospital_coordinator.email, KOMMUNE_COORDINATOR])
    assert sorted(m["To"] for m in system.mail()) == sorted(unit + coordinators)
    for message in system.mail():
        text = message_text(message)
        assert DESCRIPTION not in text and "Marevan" not in text
        assert case["case_number"] in message["Subject"]
        assert "Serious event" in message["Subject"]
        assert "§ 3-3a" in text and "§ 12-3a" in text and "Avvik does not send it" in text
        assert f"{system.app.config['BASE_URL']}/reports/{report_id}" in text
    for address in coordinators:
        [message] = system.mail_to(address)
        assert "You are told as a coordinator" in message_text(message)
    hospital = system.mail_to(cast.hospital_coordinator.email)[0]
    assert hospital["Message-ID"] == message_id_for(
        f"serious:{report_id}:{cast.hospital_coordinator.id}")
    assert [r["task"] for r in rows] == ["reports.route", "mail.routed"] + ["mail.send"] * 4
    system.assert_no_message_twice()


def test_an_ordinary_case_tells_no_coordinator(system: System) -> None:
    cast = system.cast
    system.start_worker()
    system.file_case()
    system.wait_for_mail(2)
    system.wait_until_settled()
    assert sorted(m["To"] for m in system.mail()) == sorted(
        [cast.ward_handler.email, cast.ward_leader.email])
    assert all("Serious" not in m["Subject"] for m in system.mail())
