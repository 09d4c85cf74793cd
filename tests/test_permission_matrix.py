"""Every route of the app, every role, on a case of their own and on one that is not.

The routes come from the URL map, so a route added later is checked without anyone
remembering to. The rules proven for every role and route:
- no answer is a server error;
- a case (or measure) the user may not see is a 404, in pages and API alike, for GET and
  POST: nothing reveals that it exists;
- administration answers 403 to everyone but administrators;
- dashboards and statistics answer 403 to roles without statistics;
- discharges answer 403 to all but leaders, quality advisers and administrators;
- a case the user may see opens, in pages and API alike;
- those who read cases without a side of them (the quality adviser of the receiving
  organisation; the secretariat, for the case on its committee's agenda) take no step on
  them: through the API every step is refused (403, or 409 where the status already does).
Finer rules inside what a user may see (whose step it is, which export a role gets) are
the features' own tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from flask import Flask, url_for

from avvik.api.services import create_token
from avvik.committee.models import AgendaSource
from avvik.committee.services import place_on_agenda
from avvik.core.timeutil import OSLO
from avvik.measures.services import MeasureInput, create_measure
from avvik.reports.models import Report
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from avvik.stats.scope import may_view_stats
from avvik.users.models import Role, User
from tests.conftest import csrf_token_from, login
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.reports.world import World

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)
#: Who may see which case, written out here rather than asked of the code under test.
SEES = {
    "own": {"reporter", "kommune_leader", "kommune_coordinator", "ward_handler",
            "ward_leader", "hospital_coordinator", "quality_adviser", "admin"},
    "foreign": {"outsider", "hospital_coordinator", "quality_adviser", "secretary", "admin"},
}
#: Read the cases above without a side of them: no step is theirs.
READERS = {"quality_adviser", "secretary"}
PUBLIC = {"static", "health.check", "auth.login", "auth.oidc.login", "auth.oidc.callback",
          "home.set_language", "home.favicon",
          "api-docs.openapi_json", "api-docs.openapi_swagger_ui",
          "health.live", "health.ready", "health.metrics"}
ADMIN_BLUEPRINTS = {"organizations", "users", "catalog", "routing", "outbox", "audit",
                    "integrations"}
STATS_ENDPOINTS = re.compile(r"^(dashboards\.|api\.stats_table$)")
#: Creating tokens is for the roles that set up integrations; the list and revoking are
#: every owner's (each user here holds the "matrix" token, so the list is everyone's).
TOKEN_ENDPOINTS = {"api_tokens.create"}
TOKEN_ROLES = {"kommune_coordinator", "hospital_coordinator", "quality_adviser", "secretary",
               "admin"}
#: Register discharges per unit and month: the units' leaders and the quality advisers.
DISCHARGE_ROLES = {"kommune_leader", "ward_leader", "quality_adviser", "admin"}
ROLES = ["reporter", "kommune_leader", "kommune_coordinator", "ward_handler", "ward_leader",
         "hospital_coordinator", "quality_adviser", "secretary", "outsider", "admin"]


@dataclass
class Cases:
    own: Report  #: filed from the kommune to the hospital's ward
    foreign: Report  #: between two other parties: the other kommune and the other ward,
    #: on the joint committee's agenda


def file_case(reporter: User, world: World, **overrides: object) -> Report:
    report = create_draft(reporter, world.report_input(**overrides), now=MONDAY)
    submit_report(reporter, report, now=MONDAY)
    route_report(report, now=MONDAY)
    return report


@pytest.fixture
def cases(world: World) -> Cases:
    world.quality_adviser = make_user("kvalitet", roles=[(Role.QUALITY_ADVISER,
                                                          world.clinic.parent)])
    world.secretary = make_user("sekretar", roles=[(Role.SECRETARIAT, world.clinic.parent)])
    foreign = file_case(world.outsider, world,
                        reporting_unit_id=world.outsider.memberships[0].unit_id,
                        category_id=world.other.id, receiving_unit_id=world.other_ward.id)
    place_on_agenda(foreign, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                    actor=world.hospital_coordinator)
    return Cases(own=file_case(world.reporter, world), foreign=foreign)


def url_values(app: Flask, rule, world: World, report: Report, measure_id: int,
               token_id: int) -> dict[str, object]:
    """Real values for a rule's arguments, pointing at ``report`` where a case is meant."""
    values: dict[str, object] = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        options = getattr(converter, "items", None) or getattr(converter, "options", None)
        if name == "report_id":
            values[name] = report.id
        elif name == "measure_id":
            values[name] = measure_id
        elif name == "token_id":
            values[name] = token_id
        elif name in ("unit_id",):
            values[name] = world.ward.id
        elif name in ("org_id",):
            values[name] = world.hospital.id
        elif name == "community_id":
            values[name] = world.hospital.health_community_id
        elif name == "user_id":
            values[name] = world.ward_handler.id
        elif name == "membership_id":
            values[name] = world.ward_handler.memberships[0].id
        elif name == "rule_id":
            values[name] = world.rule.id
        elif name == "year":
            values[name] = 2026
        elif name == "fmt":
            values[name] = "csv"
        elif name == "name":
            values[name] = "per_month"
        elif name == "filename":
            values[name] = "css/app.css"
        elif options:
            values[name] = sorted(options)[0]
        else:
            values[name] = 1
    return values


def expected_denial(endpoint: str, user: User, role: str, case: str | None) -> int | None:
    """The status the rules demand for this user here, or None when access is allowed."""
    if case is not None and role not in SEES[case]:
        return 404
    blueprint = endpoint.split(".")[0]
    if blueprint in ADMIN_BLUEPRINTS and not user.is_admin:
        return 403
    if STATS_ENDPOINTS.match(endpoint) and not may_view_stats(user):
        return 403
    if endpoint in TOKEN_ENDPOINTS and role not in TOKEN_ROLES:
        return 403
    if blueprint == "discharges" and role not in DISCHARGE_ROLES:
        return 403
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_by_the_rules(app, client, world, cases, role):
    user: User = getattr(world, role)
    measure = create_measure(world.ward_leader, [cases.own], MeasureInput(
        title="Sjekkliste ved utskrivning", description="Ny sjekkliste",
        owning_unit_id=world.ward.id, due_date=date(2027, 1, 31)), now=MONDAY)
    _, bearer = create_token(user, "matrix")
    token_id = user.id  # a token of someone else's, or none: never the user's own to revoke
    assert login(client, user.username, DEFAULT_PASSWORD).status_code == 302
    csrf = csrf_token_from(client.get("/auth/profile").get_data(as_text=True))

    failures = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint in ("auth.logout",):
            continue
        for case in (("own", "foreign") if "report_id" in rule.arguments else (None,)):
            target = cases.foreign if case == "foreign" else cases.own
            with app.test_request_context():
                url = url_for(rule.endpoint, **url_values(app, rule, world, target,
                                                          measure.id, token_id))
            if "measure_id" in rule.arguments:
                case = "own"  # the measure is on the own case
            demanded = expected_denial(rule.endpoint, user, role, case)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                status = _request(client, method, url, csrf, bearer, rule.endpoint, world)
                verdict = _judge(status, demanded, rule.endpoint in CASE_PAGES) or (
                    _reader_acted(role, method, rule.endpoint, case, status))
                if verdict:
                    failures.append(f"{method} {url} ({rule.endpoint}): {status}, {verdict}")
    assert not failures, "\n".join(failures)


def _request(client, method: str, url: str, csrf: str, bearer: str, endpoint: str,
             world: World) -> int:
    if endpoint.startswith("api."):
        headers = {"Authorization": f"Bearer {bearer}"}
        if method == "GET":
            return client.get(url, headers=headers).status_code
        # A valid body, so that only the case decides the answer.
        bodies = {"answer": {"cause": "Årsak", "measures": "Tiltak"},
                  "reopen": {"reason": "Begrunnelse"}, "return": {"reason": "Begrunnelse"},
                  "comments": {"text": "Kommentar"}, "flag": {"reason": "Begrunnelse"},
                  "link": {"case_number": "SA-2026-00099", "reason": "Begrunnelse"},
                  "unlink": {"case_number": "SA-2026-00099", "reason": "Begrunnelse"},
                  "decline": {"reason": "Begrunnelse", "proposal": "reporting_side"},
                  "notified": {"sent": "no", "note": "Begrunnelse"},
                  "informed": {"answer": "not_applicable"},
                  "forward": {"unit_id": world.other_ward.id, "reason": "Begrunnelse"}}
        body = bodies.get(url.rsplit("/", 1)[-1], {})
        return client.open(url, method=method, json=body, headers=headers).status_code
    if method == "GET":
        return client.get(url).status_code
    return client.open(url, method=method, data={"csrf_token": csrf}).status_code


#: The case itself: whoever may see it must be able to open it.
CASE_PAGES = {"reports.detail", "api.detail"}


def _reader_acted(role: str, method: str, endpoint: str, case: str | None,
                  status: int) -> str | None:
    reads = role in READERS and case is not None and role in SEES[case]
    if reads and endpoint.startswith("api.") and method != "GET" and status not in (403, 409):
        return "a reader took a step"
    return None


def _judge(status: int, demanded: int | None, is_case_page: bool) -> str | None:
    if status >= 500:
        return "server error"
    if demanded is not None and status != demanded:
        return f"expected {demanded}"
    if demanded is None and is_case_page and status != 200:
        return "the case did not open for someone who may see it"
    return None
