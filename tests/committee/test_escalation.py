"""Escalation level 3 puts the case on the agenda, and its e-mail ends on a page the
secretariat can open."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select

from avvik.committee.models import AgendaItem, AgendaSource
from avvik.core.mail import build_message
from avvik.core.timeutil import OSLO
from avvik.escalation.services import sweep
from avvik.extensions import db
from avvik.notifications.delivery import case_facts, email_context
from avvik.outbox.models import OutboxMessage
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD


def _level_three(case) -> None:
    for day in (14, 21, 28):  # levels 1, 2 and 3 (10 working days after the deadline)
        sweep(datetime(2026, 12, day, 10, 0, tzinfo=OSLO))


def test_level_three_places_the_case_once_and_links_the_item(client, world, case, secretary):
    _level_three(case)
    sweep(datetime(2027, 1, 11, 10, 0, tzinfo=OSLO))  # a later sweep adds nothing
    [item] = db.session.execute(select(AgendaItem)).scalars().all()
    assert (item.report_id, item.source) == (case.id, AgendaSource.ESCALATION)
    [row] = [p for p in db.session.execute(select(OutboxMessage.payload)).scalars()
             if p.get("template") == "escalation" and p["extra"]["level"] == 3]
    assert row["user_id"] == secretary.id
    message = build_message(secretary.email, "escalation",
                            email_context(case_facts([case.id])[case.id], row["extra"]),
                            row["message_id"], locale="en")
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(r"https?://\S+", text)
    assert link.endswith(f"/committee/items/{item.id}")
    # Follow the link as the secretary.
    login(client, secretary.username, DEFAULT_PASSWORD)
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert case.case_number in body and "the answer is long overdue" in body
