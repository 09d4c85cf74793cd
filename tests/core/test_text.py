"""Control and direction characters never reach a page: forms and the API remove them."""

from __future__ import annotations

from avvik.core.text import without_controls
from avvik.extensions import db
from avvik.reports.models import Report, ReportEvent
from tests.api.conftest import bearer, report_body
from tests.reports.test_pages_case import browser_for, routed_case, step

#: An escape sequence, a bell, a right-to-left override and an isolate around real text.
HOSTILE = "Pasient\x1b[31m fikk \x07feil\u202e dose\u2066 i går\u2069.\r\nRing\tkveldsvakt."
CLEAN = "Pasient[31m fikk feil dose i går.\r\nRing\tkveldsvakt."


def test_controls_and_direction_characters_are_removed_line_breaks_stay():
    assert without_controls(HOSTILE) == CLEAN
    assert without_controls("\x00\x7f\x85\x9f") == ""
    assert without_controls("Åse følger opp ‑ 30 % – «ok»") == "Åse følger opp ‑ 30 % – «ok»"


def test_a_comment_typed_in_a_form_is_stored_without_them(app, world):
    report = routed_case(world)
    response = step(browser_for(app, world.reporter), report, "comment", text=HOSTILE)
    assert response.status_code in (302, 303)
    comment = db.session.scalars(db.select(ReportEvent).filter_by(
        report_id=report.id, kind="comment")).one()
    assert comment.text == CLEAN


def test_a_report_filed_through_the_api_is_stored_without_them(client, world):
    response = client.post("/api/v1/reports", json=report_body(world, description=HOSTILE),
                           headers=bearer(world.reporter))
    assert response.status_code == 201, response.json
    assert db.session.get(Report, response.json["id"]).description == CLEAN
