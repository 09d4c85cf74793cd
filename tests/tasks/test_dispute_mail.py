"""A declined case through a real worker, Redis and SMTP: the reporter (in bokmål) and the
coordinators of every organisation involved read where the case went, with no health
data, and the link in the e-mail opens the case."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.outbox.dispatch import publish_committed
from avvik.reports.models import Report
from avvik.reports.services import decline_report
from avvik.users.models import Role, User
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.tasks.system import (
    DESCRIPTION,
    KOMMUNE_COORDINATOR,
    System,
    message_text,
)

pytestmark = pytest.mark.slow

REASON = "Pasienten bor i Annenby og fikk tjenestene der; oppfølgingen er deres."


def decline_to_annenby(system: System, report_id: int) -> str:
    """The ward's leader declines the case to Annenby kommune (a coordinator made for it),
    as a request would: one commit, then publishing. The new coordinator's address."""
    annenby = db.session.scalars(select(Organization).filter_by(name="Annenby kommune")).one()
    coordinator = make_user("annenbykoord", roles=[(Role.COORDINATOR, db.session.scalars(
        select(Unit).filter_by(organization_id=annenby.id)).first())])
    db.session.get(User, system.cast.reporter.id).locale = "nb"
    decline_report(db.session.get(User, system.cast.ward_leader.id),
                   db.session.get(Report, report_id), REASON, "other_organization",
                   annenby.id)
    address = coordinator.email
    db.session.commit()
    publish_committed()
    db.session.remove()
    return address


def test_a_declined_case_is_mailed_to_the_reporter_and_every_coordinator(
        system: System) -> None:
    cast = system.cast
    system.start_worker()
    report_id = system.file_case(routed=True)
    system.wait_for_mail(2)  # the ward's leader and handler are told of the new case
    system.wait_until_settled()

    annenby_coordinator = decline_to_annenby(system, report_id)
    system.wait_until_settled()
    declined = [m for m in system.mail() if m["Message-ID"].startswith("<declined.")]
    assert sorted(m["To"] for m in declined) == sorted([
        cast.reporter.email, KOMMUNE_COORDINATOR, cast.hospital_coordinator.email,
        annenby_coordinator])
    number = system.report(report_id)["case_number"]
    for message in declined:
        text = message_text(message)
        assert DESCRIPTION not in text and "Marevan" not in text and REASON not in text
    [to_reporter] = [m for m in declined if m["To"] == cast.reporter.email]
    assert to_reporter["Subject"] == f"Sak {number} er sendt videre til Annenby kommune"
    body = to_reporter.get_body(("plain",)).get_content()
    assert "Testvik sykehus HF har avvist ansvaret for saken og foreslår at Annenby " \
           "kommune svarer." in " ".join(body.split())
    assert "Åpne saken i Avvik" in body and "Open the case" not in body
    [to_hospital] = [m for m in declined if m["To"] == cast.hospital_coordinator.email]
    assert "has been redirected to Annenby kommune" in to_hospital["Subject"]
    system.assert_no_message_twice()

    # The link opens the case for the reporter, signed in as in a browser.
    link = re.search(rf"{re.escape(system.app.config['BASE_URL'])}(/reports/\d+)", body)
    assert link and link.group(1) == f"/reports/{report_id}"
    browser = new_browser(system.app)
    assert login(browser, cast.reporter.username, DEFAULT_PASSWORD).status_code == 302
    page = browser.get(link.group(1))
    assert page.status_code == 200 and number in page.get_data(as_text=True)
