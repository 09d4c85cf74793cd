"""``Idempotency-Key`` on the API's POSTs: a request sent again is answered, not redone.

Requests here follow one another; tests/api/test_idempotency_race.py sends them at the
same moment on committed data.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from avvik.api.idempotency import HEADER, purge_expired_keys
from avvik.api.models import IdempotencyKey
from avvik.extensions import db
from avvik.reports.models import Report, ReportEvent
from tests.api.conftest import bearer, case_in, report_body
from tests.api.test_intake_cost import statements
from workers.api import purge_idempotency_keys

URL = "/api/v1/reports"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def keyed(auth: dict[str, str], key: str) -> dict[str, str]:
    return {**auth, HEADER: key}


def test_the_same_key_and_body_file_one_case_and_answer_alike(client, world, reporter_auth,
                                                              clock):
    headers = keyed(reporter_auth, "3f0c8a52-7d1e-4c55-9a63-0e2b6f1d9c11")
    first = client.post(URL, json=report_body(world), headers=headers)
    again = client.post(URL, json=report_body(world), headers=headers)

    assert first.status_code == again.status_code == 201, again.get_json()
    assert first.get_json() == again.get_json()
    case = first.get_json()
    assert first.headers["Location"] == again.headers["Location"] == f"{URL}/{case['id']}"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(Report) == 1


def test_the_body_s_layout_and_key_order_do_not_matter(client, world, reporter_auth, clock):
    headers = {**keyed(reporter_auth, "order"), "Content-Type": "application/json"}
    body = report_body(world)
    first = client.post(URL, data=json.dumps(body), headers=headers)
    again = client.post(URL, data=json.dumps(dict(reversed(body.items())), indent=2),
                        headers=headers)
    assert again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    assert count(Report) == 1


def test_the_same_key_with_another_body_is_refused(client, world, reporter_auth, clock):
    headers = keyed(reporter_auth, "k-1")
    client.post(URL, json=report_body(world), headers=headers)
    refused = client.post(URL, json=report_body(world, description="Noe annet."),
                          headers=headers)
    assert refused.status_code == 422
    answer = refused.get_json()
    assert "used for another request" in answer["detail"]
    assert answer["errors"] == {"headers": {HEADER: [answer["detail"]]}}
    assert count(Report) == 1


def test_the_same_key_on_another_url_is_refused(client, world, handler_auth, clock):
    report = case_in(world, "routed")
    headers = keyed(handler_auth, "k-2")
    assert client.post(f"{URL}/{report.id}/acknowledge", headers=headers).status_code == 200
    refused = client.post(f"{URL}/{report.id}/comments", json={"text": "Hei."},
                          headers=headers)
    assert refused.status_code == 422
    assert count(ReportEvent, ReportEvent.kind == "comment") == 0


def test_keys_are_per_user(client, world, reporter_auth, clock):
    client.post(URL, json=report_body(world), headers=keyed(reporter_auth, "shared"))
    leader = keyed(bearer(world.kommune_leader), "shared")
    own = client.post(URL, json=report_body(world, reporting_unit_id=world.home_care.id),
                      headers=leader)
    assert own.status_code == 201 and "Idempotent-Replayed" not in own.headers
    assert count(Report) == 2


def test_without_a_key_every_post_acts(client, world, reporter_auth, clock):
    for _ in range(2):
        assert client.post(URL, json=report_body(world), headers=reporter_auth
                           ).status_code == 201
    assert count(Report) == 2


def test_a_refused_request_leaves_no_key_behind(client, world, reporter_auth, clock):
    headers = keyed(reporter_auth, "retry-after-fix")
    invalid = client.post(URL, json=report_body(world, event_date="2999-01-01"),
                          headers=headers)
    assert invalid.status_code == 422
    assert count(IdempotencyKey) == 0
    fixed = client.post(URL, json=report_body(world), headers=headers)
    assert fixed.status_code == 201 and count(Report) == 1


def test_a_step_sent_again_is_answered_not_refused(client, world, handler_auth, clock):
    report = case_in(world, "routed")
    headers = keyed(handler_auth, "ack-1")
    first = client.post(f"{URL}/{report.id}/acknowledge", headers=headers)
    again = client.post(f"{URL}/{report.id}/acknowledge", headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.get_json()["status"] == "acknowledged"
    assert count(ReportEvent, ReportEvent.kind == "acknowledged") == 1
    # Without the key the second is what it always was: a step no longer possible.
    assert client.post(f"{URL}/{report.id}/acknowledge", headers=handler_auth
                       ).status_code == 409


def test_a_comment_sent_again_is_one_comment(client, world, handler_auth, clock):
    report = case_in(world, "routed")
    headers = keyed(handler_auth, "comment-1")
    answers = [client.post(f"{URL}/{report.id}/comments", json={"text": "Vi ser på saken."},
                           headers=headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert count(ReportEvent, ReportEvent.kind == "comment") == 1


def test_a_repeat_shows_the_case_as_it_is_now(client, world, reporter_auth, handler_auth,
                                              clock):
    report = case_in(world, "routed")
    headers = keyed(handler_auth, "ack-2")
    client.post(f"{URL}/{report.id}/acknowledge", headers=headers)
    client.post(f"{URL}/{report.id}/comments", json={"text": "Hei."}, headers=handler_auth)
    again = client.post(f"{URL}/{report.id}/acknowledge", headers=headers)
    assert [e["kind"] for e in again.get_json()["timeline"]][-1] == "comment"


def test_a_key_that_is_not_one_is_refused(client, world, reporter_auth, clock):
    for bad in ("x" * 256, "tab\there"):
        refused = client.post(URL, json=report_body(world), headers=keyed(reporter_auth, bad))
        assert refused.status_code == 422
        assert HEADER in refused.get_json()["errors"]["headers"]
    assert count(Report) == 0


def test_a_key_is_kept_a_day_then_purged(client, world, reporter_auth, clock):
    headers = keyed(reporter_auth, "day-old")
    first = client.post(URL, json=report_body(world), headers=headers).get_json()
    clock.shift(timedelta(hours=23, minutes=59))
    assert purge_expired_keys() == 0
    assert client.post(URL, json=report_body(world), headers=headers).get_json() == first

    clock.shift(timedelta(minutes=2))
    assert purge_idempotency_keys.run() == 1  # the daily task
    anew = client.post(URL, json=report_body(world), headers=headers)
    assert anew.status_code == 201 and anew.get_json()["id"] != first["id"]
    assert count(Report) == 2


def test_a_key_costs_one_read_and_one_write(client, world, reporter_auth, clock):
    client.post(URL, json=report_body(world), headers=reporter_auth)  # the token's first use
    with statements() as seen:
        client.post(URL, json=report_body(world), headers=keyed(reporter_auth, "cost"))
    assert seen == ["SELECT users", "SELECT idempotency_keys", "SELECT units",
                    "UPDATE case_number_counters", "INSERT reports", "INSERT report_events",
                    "INSERT outbox_messages", "SELECT webhooks",  # the parties' webhooks
                    "INSERT idempotency_keys",
                    "SELECT report_links"]  # the answer's linked cases


def test_the_openapi_document_offers_the_key_on_every_post(client):
    spec = client.get("/api/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post"):
                continue
            headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
            assert (HEADER in headers) == (method == "post"), (method, path)
            if method == "post":
                assert "422" in operation["responses"]
