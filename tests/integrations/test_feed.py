"""The feed of changes: GET /api/v1/reports?updated_since=... and ?cursor=..."""

from __future__ import annotations

from datetime import datetime, timedelta

from avvik.extensions import db
from avvik.reports.services import acknowledge_report, add_comment, create_draft
from tests.api.conftest import bearer
from tests.integrations.conftest import SETTLE, file_case

URL = "/api/v1/reports"


def feed(client, headers, **params):
    response = client.get(URL, query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def follow(client, headers, cursor, per_page=2):
    """Every case id the feed gives from ``cursor`` on, page after page."""
    ids = []
    while True:
        page = feed(client, headers, cursor=cursor, per_page=per_page)
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not page["has_next"]:
            return ids, cursor


def test_the_feed_pages_by_cursor_in_the_order_of_change(client, world, clock, kommune_auth):
    start = clock.now
    cases = []
    for _ in range(5):
        cases.append(file_case(world))
        clock.shift(timedelta(seconds=1))
    clock.shift(SETTLE)
    first = feed(client, kommune_auth, updated_since=start.isoformat(), per_page=2)
    assert [item["id"] for item in first["items"]] == [cases[0].id, cases[1].id]
    assert first["has_next"] and first["next_cursor"]
    rest, cursor = follow(client, kommune_auth, first["next_cursor"])
    assert rest == [c.id for c in cases[2:]]  # nothing lost, nothing twice

    # A case that changes again moves to the end; the cursor hears of it once it settles.
    acknowledge_report(world.ward_handler, cases[1])
    db.session.commit()
    assert follow(client, kommune_auth, cursor)[0] == []  # not settled yet
    clock.shift(SETTLE)
    again, cursor = follow(client, kommune_auth, cursor)
    assert again == [cases[1].id]
    assert follow(client, kommune_auth, cursor)[0] == []  # polling again finds nothing new


def test_cases_changed_in_the_same_instant_are_each_given_once(client, world, clock,
                                                                  kommune_auth):
    cases = [file_case(world) for _ in range(3)]  # the clock stands still: one changed_at
    clock.shift(SETTLE)
    ids, _cursor = follow(client, kommune_auth,
                          feed(client, kommune_auth, updated_since=clock.now.isoformat(),
                               per_page=1)["next_cursor"], per_page=1)
    # updated_since after them: nothing; from before them, each once in id order.
    assert ids == []
    page = feed(client, kommune_auth, updated_since=(clock.now - SETTLE).isoformat(),
                per_page=1)
    rest, _ = follow(client, kommune_auth, page["next_cursor"], per_page=1)
    assert [page["items"][0]["id"], *rest] == sorted(c.id for c in cases)


def test_only_the_cases_the_organisation_is_party_to(client, world, clock, kommune_auth,
                                                     hospital_auth):
    since = clock.now.isoformat()
    own = file_case(world)
    other = file_case(world, world.outsider)  # the other kommune to the hospital
    draft = create_draft(world.reporter, world.report_input())
    db.session.commit()
    clock.shift(SETTLE)
    assert [i["id"] for i in feed(client, kommune_auth, updated_since=since)["items"]] == \
        [own.id]
    assert [i["id"] for i in feed(client, hospital_auth, updated_since=since)["items"]] == \
        [own.id, other.id]
    assert draft.id not in {i["id"] for i in feed(client, hospital_auth,
                                                   updated_since=since)["items"]}
    # A case of another party is as missing for the token as one that does not exist.
    assert client.get(f"{URL}/{other.id}", headers=kommune_auth).status_code == 404
    assert client.get(f"{URL}/{own.id}", headers=kommune_auth).status_code == 200


def test_a_comment_moves_the_case_and_the_feed_shows_no_identity(client, world, clock,
                                                                 kommune_auth):
    report = file_case(world)
    clock.shift(SETTLE)
    cursor = feed(client, kommune_auth, updated_since=clock.now.isoformat())["next_cursor"]
    commented_at = clock.now
    add_comment(world.ward_handler, report, "Vi ser på saken.")
    db.session.commit()
    clock.shift(SETTLE)
    page = feed(client, kommune_auth, cursor=cursor)
    [item] = page["items"]
    assert item["id"] == report.id
    assert datetime.fromisoformat(item["changed_at"]) == commented_at
    assert "patient_identity" not in item and "has_patient_identity" not in item


def test_bad_moments_and_cursors_are_refused_per_parameter(client, world, kommune_auth):
    for params, name in [({"updated_since": "yesterday"}, "updated_since"),
                         ({"updated_since": "2026-11-20T08:00:00"}, "updated_since"),
                         ({"cursor": "not-a-cursor"}, "cursor"),
                         ({"cursor": "WyIyMDI2LTAxLTAxIiwgMV0.forged"}, "cursor")]:
        response = client.get(URL, query_string=params, headers=kommune_auth)
        assert response.status_code == 422, params
        problem = response.get_json()
        assert response.content_type.startswith("application/problem+json")
        assert name in problem["errors"]["query"], problem


def test_the_plain_list_is_unchanged_and_names_no_cursor(client, world):
    file_case(world)
    page = client.get(URL, headers=bearer(world.reporter)).get_json()
    assert page["next_cursor"] is None and page["total"] == 1
