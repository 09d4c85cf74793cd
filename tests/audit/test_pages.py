"""The administrator's page of the audit trail: its filters, paging and exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from avvik.audit.services import audit
from avvik.core.timeutil import OSLO
from tests.audit.conftest import entries, facts
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD, make_user

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _stopped(clock):
    """Before the administrator signs in: that entry is the clock's Tuesday morning."""
    return clock


@pytest.fixture
def trail(db_session, admin):
    """A small trail: two people, several actions, two addresses, three days."""
    kari, ola = make_user("kari", full_name="Kari Nordmann"), make_user("ola")
    for day, actor, action, object_type, object_id in [
        (0, kari, "report.read", "report", 11),
        (0, ola, "report.read", "report", 12),
        (1, kari, "cases.exported", "export", None),
        (2, ola, "auth.signed_in", "user", None),
    ]:
        audit(action, object_type, object_id if object_id or object_type != "user"
              else ola.id, actor=actor, now=MONDAY + timedelta(days=day),
              detail={"via": "page"} if action == "report.read" else {})
    return {"kari": kari, "ola": ola}


def rows(html: str) -> int:
    return html.count("<tr>") - 1  # the header's row


def table(html: str) -> str:
    return html[html.index("data-audit-trail"):]


def test_the_trail_is_listed_newest_first(admin_client, trail):
    html = table(admin_client.get("/audit/").get_data(as_text=True))
    assert rows(html) == 5  # and the administrator's own sign-in
    assert [html.index(f"<code>{action}</code>") for action in (
        "auth.signed_in", "cases.exported", "report.read")] == sorted(
        html.index(f"<code>{action}</code>") for action in (
            "auth.signed_in", "cases.exported", "report.read"))
    assert "Kari Nordmann" in html and "(kari, id " in html


@pytest.mark.parametrize(("query", "count"), [
    ("user=KARI", 2),
    ("action=report.read", 2),
    ("object_type=report&object_id=12", 1),
    # The administrator signed in on Tuesday 24 November too.
    ("date_from=24.11.2026&date_to=24.11.2026", 2),
    ("date_from=24.11.2026", 3),
    ("date_to=23.11.2026", 2),
    ("user=ola&action=report.read", 1),
])
def test_each_filter_narrows_the_trail(admin_client, trail, query, count):
    response = admin_client.get(f"/audit/?{query}")
    assert response.status_code == 200
    assert rows(response.get_data(as_text=True)) == count


def test_a_search_by_client_address(app, admin_client, trail):
    elsewhere = new_browser(app)
    elsewhere.environ_base["REMOTE_ADDR"] = "2001:db8::7"
    login(elsewhere, "kari", DEFAULT_PASSWORD)
    # The address as typed in any spelling; the test client's own is 127.0.0.1.
    found = table(admin_client.get("/audit/?client_address=2001:DB8:0::7")
                  .get_data(as_text=True))
    assert rows(found) == 1 and "(kari, id " in found and "2001:db8::7" in found
    found = table(admin_client.get("/audit/?client_address=127.0.0.1").get_data(as_text=True))
    assert rows(found) == 1 and "(admin.anne, id " in found


@pytest.mark.parametrize(("query", "said", "kept"), [
    ("user=nobody", "No user has this user name.", 'value="nobody"'),
    ("client_address=10.0.0.300", "Write an IP address", 'value="10.0.0.300"'),
    ("date_from=25.11.2026&date_to=24.11.2026", "The period ends before it starts.",
     'value="24.11.2026"'),
    ("date_from=31.02.2026", "There is no such day", 'value="31.02.2026"'),
    ("action=report.looked_at", "Not a valid choice", ""),
])
def test_a_wrong_filter_is_explained_and_what_was_typed_stays(admin_client, trail, query,
                                                              said, kept):
    response = admin_client.get(f"/audit/?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert said in html and kept in html
    assert "data-audit-trail" not in html  # no results that would leave the filter out


def test_the_trail_pages_newest_first(admin, admin_client, db_session):
    for number in range(1, 56):
        audit("report.read", "report", number, actor=admin,
              now=MONDAY + timedelta(minutes=number))
    first = admin_client.get("/audit/?action=report.read").get_data(as_text=True)
    second = admin_client.get("/audit/?action=report.read&page=2").get_data(as_text=True)
    assert rows(first) == 50 and rows(second) == 5
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "action=report.read" in second[second.index('rel="prev"') - 200:]


def test_only_administrators_see_the_trail(staff_client, db_session):
    assert staff_client.get("/audit/").status_code == 403
    assert staff_client.get("/audit/export.csv").status_code == 403
    assert "/audit/" not in staff_client.get("/").get_data(as_text=True)


def test_the_export_holds_the_search_and_is_itself_recorded(admin, admin_client, trail):
    response = admin_client.get("/audit/export.csv?user=kari")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="audit-trail-')
    table = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")),
                            delimiter=";"))
    assert table[0][:5] == ["Time", "User id", "User name", "Name", "Action"]
    assert [(row[2], row[5], row[8]) for row in table[1:]] == [
        ("kari", "cases.exported", ""), ("kari", "report.read", '{"via": "page"}')]
    [exported] = entries("audit.exported")
    assert facts(exported) == ("audit.exported", admin.id, "export", None, {
        "format": "csv", "rows": 2, "truncated": False, "actor_id": trail["kari"].id})


def test_the_xlsx_export_opens_with_every_entry(admin_client, trail):
    response = admin_client.get("/audit/export.xlsx?action=report.read")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Time" and len(values) == 3
    assert {row[2] for row in values[1:]} == {"kari", "ola"}
    assert values[1][0] == datetime(2026, 11, 23, 9, 0)  # Oslo time, as written


def test_an_unknown_format_is_not_found(admin_client, db_session):
    assert admin_client.get("/audit/export.pdf").status_code == 404
    assert entries("audit.exported") == []
