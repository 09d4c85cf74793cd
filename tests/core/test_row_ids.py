"""Numbers no row can have, in any route or query parameter, are a 404 or ignored:
never a database error (a 500)."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from avvik.core.ids import MAX_PAGE, MAX_ROW_ID, RowIdConverter, page_number, row_id
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD

TOO_LARGE = (MAX_ROW_ID + 1, 2**63, 2**64, 10**30)
#: Every id-like query parameter a page reads, set at once on every page without a path id.
QUERY_PARAMETERS = ("page", "organization", "community", "report_id", "parent", "unit_id",
                    "organization_id", "reporting_organization_id",
                    "receiving_organization_id", "agreement_id", "transition_id",
                    "category_id", "owning_unit_id", "year", "per_page")


def _rules_with_a_row_id(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(c, RowIdConverter) for c in rule._converters.values())]


def _url(rule: Rule, number: int) -> str:
    def value(match: re.Match[str]) -> str:
        converter = rule._converters[match.group("name")]
        return str(number) if isinstance(converter, RowIdConverter) else "x"

    return re.sub(r"<(?:[^:>]+:)?(?P<name>[^>]+)>", value, rule.rule)


def test_every_int_route_takes_row_ids(app):
    rules = _rules_with_a_row_id(app)
    assert len(rules) >= 20  # the case, measure, user, unit ... pages


@pytest.mark.parametrize("number", TOO_LARGE)
def test_an_id_no_row_can_have_is_a_404_on_every_route(client, world, number):
    assert login(client, world.admin.username, DEFAULT_PASSWORD).status_code == 302
    failures = []
    for rule in _rules_with_a_row_id(client.application):
        url = _url(rule, number)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            status = client.open(url, method=method).status_code
            if status != 404:
                failures.append(f"{method} {url}: {status}")
    assert failures == []


@pytest.mark.parametrize("user", ["admin", "hospital_coordinator", "reporter"])
def test_huge_query_parameters_on_every_page_are_never_a_server_error(client, world, user):
    assert login(client, getattr(world, user).username, DEFAULT_PASSWORD).status_code == 302
    query = "&".join(f"{name}={2**64}" for name in QUERY_PARAMETERS)
    failures = []
    for rule in client.application.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint == "static":
            continue
        with client.get(f"{rule.rule}?{query}") as response:  # files are closed when read
            status = response.status_code
        if status == 500:  # (/health answers 503 here: no worker runs)
            failures.append(f"{rule.rule}: {status}")
    assert failures == []


def test_row_id_and_page_number_bounds():
    assert row_id("1") == 1 and row_id(str(MAX_ROW_ID)) == MAX_ROW_ID
    assert page_number(str(MAX_PAGE)) == MAX_PAGE
    for parse, bad in ((row_id, "0"), (row_id, str(MAX_ROW_ID + 1)), (row_id, "-3"),
                       (page_number, "0"), (page_number, str(MAX_PAGE + 1))):
        with pytest.raises(ValueError):
            parse(bad)
