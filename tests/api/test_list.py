"""``GET /api/v1/reports``: the caller's scope, the lists' filters, pagination."""

from __future__ import annotations

from datetime import timedelta

from avvik.extensions import db
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from tests.api.conftest import EVENT_DAY, bearer, case_in

URL = "/api/v1/reports"


def listing(client, headers, **params):
    response = client.get(URL, query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(page) -> set[int]:
    return {item["id"] for item in page["items"]}


def test_lists_follow_the_callers_scope_and_view(client, world, reporter_auth, handler_auth):
    draft, routed = case_in(world, "draft"), case_in(world, "routed")
    assert ids(listing(client, reporter_auth)) == {draft.id, routed.id}
    assert ids(listing(client, handler_auth)) == {routed.id}
    assert ids(listing(client, handler_auth, view="inbox")) == {routed.id}
    assert ids(listing(client, handler_auth, view="mine")) == set()
    assert listing(client, bearer(world.outsider))["total"] == 0
    item = listing(client, reporter_auth, status="routed")["items"][0]
    assert item["case_number"] == routed.case_number and item["status"] == "routed"
    assert item["responsible_unit"]["id"] == world.ward.id and item["is_overdue"] is False


def test_filters_narrow_the_list(client, world, reporter_auth):
    draft, routed = case_in(world, "draft"), case_in(world, "routed")
    other = create_draft(world.reporter, world.report_input(
        category_id=world.other.id, event_date=EVENT_DAY - timedelta(days=30),
        discovered_date=None))
    submit_report(world.reporter, other)
    db.session.commit()
    both = client.get(URL, query_string=[("status", "draft"), ("status", "submitted")],
                      headers=reporter_auth).get_json()
    assert ids(both) == {draft.id, other.id}
    assert ids(listing(client, reporter_auth, category_id=world.other.id)) == {other.id}
    assert ids(listing(client, reporter_auth, agreement_id=world.agreement.id,
                       transition_id=world.discharge.id)) == {draft.id, routed.id, other.id}
    assert ids(listing(client, reporter_auth, transition_id=world.admission.id)) == set()
    assert ids(listing(client, reporter_auth,
                       date_to=(EVENT_DAY - timedelta(days=1)).isoformat())) == {other.id}
    assert ids(listing(client, reporter_auth, date_from=EVENT_DAY.isoformat())) == {
        draft.id, routed.id}
    assert ids(listing(client, reporter_auth,
                       case_number=routed.case_number.lower())) == {routed.id}


def test_overdue_cases_are_found_and_marked(client, world, reporter_auth, clock):
    late, in_time = case_in(world, "routed"), case_in(world, "routed")
    late.acknowledge_due_at = clock.now - timedelta(days=1)
    db.session.commit()
    page = listing(client, reporter_auth, overdue="true")
    assert ids(page) == {late.id} and page["items"][0]["is_overdue"] is True
    assert in_time.id in ids(listing(client, reporter_auth))


def test_pages_sorting_and_total(client, world, reporter_auth):
    cases = []
    for _ in range(5):
        report = create_draft(world.reporter, world.report_input(event_date=EVENT_DAY,
                                                                 discovered_date=None))
        submit_report(world.reporter, report)
        route_report(report)
        cases.append(report)
    db.session.commit()
    numbers = sorted(r.case_number for r in cases)
    first = listing(client, reporter_auth, per_page=2, sort="case_number", order="asc")
    assert first["total"] == 5 and first["pages"] == 3 and first["per_page"] == 2
    assert first["total_is_exact"] is True and first["has_next"] is True
    assert [i["case_number"] for i in first["items"]] == numbers[:2]
    last = listing(client, reporter_auth, per_page=2, page=3, sort="case_number",
                   order="asc")
    assert [i["case_number"] for i in last["items"]] == numbers[4:]
    newest = listing(client, reporter_auth, per_page=1, sort="case_number")
    assert newest["items"][0]["case_number"] == numbers[-1]
    assert listing(client, reporter_auth, page=99)["items"] == []


def test_bad_filters_are_422_per_parameter(client, world, reporter_auth):
    for params, name in (({"status": "lost"}, "status"), ({"page": 0}, "page"),
                         ({"per_page": 1000}, "per_page"), ({"date_from": "i går"}, "date_from"),
                         ({"sort": "password"}, "sort"), ({"view": "everything"}, "view"),
                         ({"agreement_id": "1; DROP TABLE reports"}, "agreement_id"),
                         ({"category_id": 2**40}, "category_id"), ({"overdue": "kanskje"},
                                                                   "overdue")):
        response = client.get(URL, query_string=params, headers=reporter_auth)
        assert response.status_code == 422, params
        assert name in response.get_json()["errors"]["query"]


def test_odd_text_in_a_filter_finds_nothing_and_breaks_nothing(client, world, reporter_auth):
    case_in(world, "routed")
    for value in ("SA-\x00", "' OR 1=1 --", "%", "\u202e"):
        assert listing(client, reporter_auth, case_number=value)["total"] == 0


def test_a_long_list_counts_up_to_the_cap_and_says_so(client, world, reporter_auth,
                                                      monkeypatch):
    monkeypatch.setattr("avvik.reports.paging.COUNT_CAP", 2)
    cases = [case_in(world, "routed") for _ in range(4)]
    first = listing(client, reporter_auth, per_page=1)
    assert {k: first[k] for k in ("total", "total_is_exact", "has_next", "pages")} == {
        "total": 2, "total_is_exact": False, "has_next": True, "pages": None}
    seen, page = [], first
    while True:
        seen += [item["id"] for item in page["items"]]
        if not page["has_next"]:
            break
        page = listing(client, reporter_auth, per_page=1, page=page["page"] + 1)
    assert seen == [r.id for r in reversed(cases)]
    assert (page["total"], page["total_is_exact"], page["pages"]) == (4, True, 4)
    assert listing(client, bearer(world.outsider), per_page=1)["total"] == 0


def test_the_dashboards_filters_narrow_the_list_too(client, world):
    from avvik.reports.models import Consequence
    from tests.stats.data import make_case

    annenby = world.other_kommune.units[0]
    to_ward = make_case(world, potential_consequence=Consequence.DEATH, escalation_level=2)
    from_annenby = make_case(world, reporting_unit=annenby, receiving_unit=world.other_ward,
                             consequence=Consequence.MODERATE)
    back = make_case(world, reporting_unit=world.ward, receiving_unit=world.home_care)
    headers = bearer(world.admin)
    expected = {
        (("organization_id", world.other_kommune.id),): {from_annenby.id},
        (("reporting_organization_id", world.hospital.id),): {back.id},
        (("receiving_organization_id", world.hospital.id),): {to_ward.id, from_annenby.id},
        (("unit_id", world.clinic.id),): {to_ward.id, from_annenby.id, back.id},
        (("responsible_unit_id", world.other_ward.id),): {from_annenby.id},
        (("direction", "hospital_to_municipality"),): {back.id},
        (("consequence", "moderate"),): {from_annenby.id},
        (("potential_consequence", "death"),): {to_ward.id},
        (("escalation", 2),): {to_ward.id},
        (("escalation", 3),): set(),
    }
    for params, found in expected.items():
        assert ids(listing(client, headers, **dict(params))) == found, params
    bad = client.get(URL, query_string={"escalation": 4, "direction": "sideways"},
                     headers=headers)
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["query"]) == {"escalation", "direction"}
