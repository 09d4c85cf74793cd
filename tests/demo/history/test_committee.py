"""The demo's joint committee: escalated, flagged and disputed cases on its agenda, a
meeting held with conclusions, one coming with items; the secretariat and a member see it."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from avvik.committee.models import AgendaItem, AgendaSource, AgendaStatus, Meeting
from avvik.core.timeutil import oslo_today
from avvik.demo.committee import OPEN
from avvik.demo.people import DEMO_PASSWORD
from avvik.demo.structure import COMMITTEE_NAME
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity
from avvik.reports.models import Report, ReportEvent
from avvik.users.models import User
from tests.conftest import login, new_browser
from tests.demo.clock import NOW


def _user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def test_the_agenda_holds_every_path_and_two_meetings(demo_history):
    items = db.session.scalars(select(AgendaItem)).all()
    opened = [i for i in items if i.status == AgendaStatus.OPEN]
    assert (len(opened), len(items) - len(opened)) == (demo_history.agenda_open,
                                                       demo_history.agenda_resolved)
    assert {i.source for i in opened} >= {AgendaSource.ESCALATION, AgendaSource.FLAGGED,
                                          AgendaSource.DECLINED_REDIRECT}
    # Every open case the history took to level 3 is on the agenda.
    escalated = db.session.scalars(select(Report.id).where(
        Report.escalation_level == 3, Report.status.in_(OPEN)))
    assert set(escalated) <= {i.report_id for i in opened}
    flagged = next(i for i in opened if i.source == AgendaSource.FLAGGED)
    assert flagged.placed_by.username == "koordinator.kommune" and flagged.reason
    held, coming = db.session.scalars(select(Meeting).order_by(Meeting.held_on)).all()
    assert held.held_on < oslo_today(NOW) < coming.held_on
    upcoming = [i for i in opened if i.meeting_id == coming.id]
    assert {i.source for i in upcoming} >= {AgendaSource.FLAGGED,
                                            AgendaSource.DECLINED_REDIRECT}
    concluded = [i for i in items if i.meeting_id == held.id]
    assert concluded and all(not i.is_open and i.conclusion and i.concluded_at <= NOW
                             for i in concluded)
    assert any(i.follow_up_organization_id and i.follow_up_note for i in concluded)
    assert db.session.scalar(select(HealthCommunity.committee_name)) == COMMITTEE_NAME


def test_the_conclusions_are_on_the_cases_timelines_in_the_past(demo_history):
    held = db.session.scalars(select(Meeting).order_by(Meeting.held_on)).first()
    item = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == held.id)
                              ).first()
    kinds = [e.kind for e in db.session.scalars(select(ReportEvent).where(
        ReportEvent.report_id == item.report_id).order_by(ReportEvent.created_at))]
    committee = [k for k in kinds if k.startswith("committee_")]
    assert committee[:3] == ["committee_placed", "committee_scheduled", "committee_concluded"]
    assert committee[3] in ("committee_returned", "committee_closed")
    assert max(e.created_at for e in db.session.scalars(select(ReportEvent).where(
        ReportEvent.report_id == item.report_id))) <= NOW


def test_the_secretariat_and_the_member_see_the_agenda(app: Flask, demo_history):
    coming = db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc())).first()
    item = db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == coming.id)).first()
    item_id, case_number = item.id, item.report.case_number
    for username, acts in (("sekretariat", True), ("utvalg", False)):
        client = new_browser(app)
        login(client, username, DEMO_PASSWORD)
        index = client.get("/committee/")
        assert index.status_code == 200, username
        assert COMMITTEE_NAME in index.get_data(as_text=True)
        page = client.get(f"/committee/items/{item_id}").get_data(as_text=True)
        assert case_number in page
        assert ("conclusion-conclusion" in page) is acts, username
