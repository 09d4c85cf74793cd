"""The small-count rule against the known attacks, for every role (README: small counts).

Each viewer builds every table of a few selections; a viewer who may open every case of a
selection gets exact figures, anyone else must not be able to work out a count of 1 to 4
by subtraction from a total, from the complement in another breakdown or in the months,
from the sort order, from shares, or by narrowing the filter until the selection is small.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from avvik.extensions import db
from avvik.reports.models import Consequence, Direction, Report
from avvik.reports.scope import can_view
from avvik.stats.filters import StatsFilter
from avvik.stats.queries.base import condition
from avvik.stats.services import new_batch, table_names, tables_of
from avvik.stats.suppression import HIDDEN, is_hidden
from avvik.users.models import Role
from tests.api.conftest import bearer
from tests.conftest import login, new_browser
from tests.dashboards import pages
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.stats.data import make_case

YEAR = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))
DIRECTIONS = [d.value for d in Direction]


def _cases(world) -> list[Report]:
    annenby = world.other_kommune.units[0]
    cases = [make_case(world, event_date=date(2026, 1, 10)) for _ in range(12)]
    cases += [make_case(world, event_date=date(2026, 3, 10)) for _ in range(7)]
    cases.append(make_case(world, event_date=date(2026, 3, 11),
                           consequence=Consequence.DEATH))
    cases += [make_case(world, event_date=date(2026, 1, 12), reporting_unit=annenby)
              for _ in range(3)]
    cases += [make_case(world, event_date=date(2026, 2, 5), reporting_unit=world.ward,
                        receiving_unit=world.home_care) for _ in range(2)]
    return cases


def _viewers(world) -> dict[str, object]:
    kommune_top, hospital_top = world.home_care.parent, world.clinic.parent
    return {
        "leader": world.ward_leader,
        "kommune leader": world.kommune_leader,
        "coordinator": world.hospital_coordinator,
        "kommune coordinator": world.kommune_coordinator,
        "quality adviser": make_user("hkv", roles=[(Role.QUALITY_ADVISER, hospital_top)]),
        "secretariat": make_user("sekr", roles=[(Role.SECRETARIAT, kommune_top)]),
    }


def _selections(world) -> dict[str, StatsFilter]:
    return {
        "whole year": YEAR,
        "one organisation": StatsFilter(YEAR.period_from, YEAR.period_to,
                                        organization_id=world.other_kommune.id),
        "death at a unit": StatsFilter(YEAR.period_from, YEAR.period_to,
                                       consequence=Consequence.DEATH, unit_id=world.ward.id),
        "one direction of one organisation": StatsFilter(
            YEAR.period_from, YEAR.period_to, organization_id=world.hospital.id,
            direction=Direction.HOSPITAL_TO_MUNICIPALITY),
    }


def recovered(tables: dict[str, dict], total: object) -> list[str]:
    """The ways a reader works out a hidden (or sees a small) count in one selection."""
    found: list[str] = []
    if isinstance(total, int) and 0 < total < 5:
        found.append(f"selection size {total}")
    years = {row["year"]: row for row in tables["per_year"]["rows"]}
    for name, table in tables.items():
        rows = table["rows"]
        if name.startswith("by_"):
            counts = [r["count"] for r in rows]
            found += [f"{name}: small {c}" for c in counts if c in (1, 2, 3, 4)]
            if sum(map(is_hidden, counts)) == 1 and isinstance(total, int):
                found.append(f"{name}: the total minus the others")
            labels = [r["label"] for r in rows]
            if any(map(is_hidden, counts)) and labels != sorted(labels, key=str.casefold):
                found.append(f"{name}: sort order")
            if any(is_hidden(r["count"]) and r["share"] is not None for r in rows):
                found.append(f"{name}: share of a hidden count")
            if any(map(is_hidden, counts)) and any(r["cumulative_share"] for r in rows):
                found.append(f"{name}: running share")
        if name in ("per_month", "per_year"):
            for r in rows:
                cells = [r[k] for k in (*DIRECTIONS, "total")]
                found += [f"{name}: small {c}" for c in cells if c in (1, 2, 3, 4)]
                if sum(map(is_hidden, cells)) == 1:
                    found.append(f"{name}: a row's total minus the others")
            for key in (*DIRECTIONS, "total"):
                column = [r[key] for r in rows]
                known = (total if name == "per_year" and key == "total" else
                         years[2026][key] if name == "per_month" else None)
                if sum(map(is_hidden, column)) == 1 and isinstance(known, int):
                    found.append(f"{name}: the column {key} minus the others")
                if name == "per_month":
                    found += [f"per_month: {year}'s {key} minus its other months"
                              for year, row in years.items()
                              if isinstance(row[key], int) and sum(
                                  is_hidden(r[key]) for r in rows
                                  if r["month"].startswith(f"{year}-")) == 1]
    return found


def _figures(viewer, filters: StatsFilter) -> tuple[object, int, dict[str, dict]]:
    batch = new_batch(table_names(), viewer, filters)
    total, tables = tables_of(batch)
    return batch.shown_total(), total, {n: t.to_json() for n, t in tables.items()}


@pytest.mark.parametrize("role", ["leader", "kommune leader", "coordinator",
                                  "kommune coordinator", "quality adviser", "secretariat"])
def test_no_attack_recovers_a_hidden_count_and_readers_of_every_case_see_exact(world, role):
    cases = _cases(world)
    viewer = _viewers(world)[role]
    for label, filters in _selections(world).items():
        shown, total, tables = _figures(viewer, filters)
        counted = [c for c in cases if _in(c, filters) and _reached(world, viewer, c)]
        if all(can_view(viewer, c) for c in counted):
            assert shown == total, (role, label)
            assert not any(t["suppressed"] for t in tables.values()), (role, label)
        else:
            assert recovered(tables, shown) == [], (role, label)


def _in(case: Report, f: StatsFilter) -> bool:
    return ((f.organization_id is None or f.organization_id in (
        case.reporting_organization_id, case.receiving_organization_id))
        and (f.consequence is None or case.consequence == f.consequence)
        and (f.direction is None or case.direction == f.direction)
        and (f.unit_id is None or f.unit_id in (case.reporting_unit_id,
                                                case.responsible_unit_id)))


def _reached(world, viewer, case: Report) -> bool:
    # The cases this viewer's statistics count: the whole year's selection.
    batch = new_batch(["per_year"], viewer, YEAR)
    ids = {row[0] for row in db.session.execute(
        db.select(Report.id).where(condition(batch.selection.shape))
        .params(batch.selection.params))}
    return case.id in ids


def test_the_secretariat_sees_the_issues_leaks_closed(world):
    _cases(world)
    secretariat = _viewers(world)["secretariat"]
    shown, total, tables = _figures(secretariat, _selections(world)["death at a unit"])
    assert (total, shown) == (1, HIDDEN)
    assert {r["total"] for r in tables["per_month"]["rows"]} <= {0, HIDDEN}
    assert [r["count"] for r in tables["by_category"]["rows"]] == [HIDDEN]

    shown, total, tables = _figures(secretariat, YEAR)
    organisations = tables["by_reporting_organization"]["rows"]
    # alphabetical, not by the true count (Annenby 3, the hospital 2)
    assert [(r["label"], r["count"]) for r in organisations] == [
        ("Annenby kommune", HIDDEN), ("Testvik kommune", 20), ("Testvik sykehus HF", HIDDEN)]
    consequences = {r["key"]: r["count"] for r in tables["by_consequence"]["rows"]}
    # death is 1: minor (24) is hidden too, or 25 - 24 would give it back
    assert consequences["death"] == HIDDEN and consequences["minor"] == ":"
    assert shown == 25


def test_a_coordinator_who_may_open_every_case_sees_exact_small_counts(world):
    _cases(world)
    shown, total, _ = _figures(world.hospital_coordinator,
                                    _selections(world)["death at a unit"])
    assert (shown, total) == (1, 1)
    organisations = _figures(world.hospital_coordinator, YEAR)[2]["by_reporting_organization"]
    assert {r["label"]: r["count"] for r in organisations["rows"]} == {
        "Testvik kommune": 20, "Annenby kommune": 3, "Testvik sykehus HF": 2}


def test_reporters_get_no_figures(world, client):
    response = client.get("/api/v1/stats/per_year", headers=bearer(world.reporter))
    assert response.status_code == 403


def _browser(app: Flask, user):
    db.session.flush()
    browser = new_browser(app)
    assert login(browser, user.username, DEFAULT_PASSWORD).status_code == 302
    return browser


def test_pages_export_and_api_keep_the_rule(world, app, client):
    _cases(world)
    secretariat = _viewers(world)["secretariat"]
    browser = _browser(app, secretariat)
    narrow = (f"from=2026-01&to=2026-12&consequence=death&unit_id={world.ward.id}")
    for path in ("/dashboards/", "/dashboards/breakdowns"):
        html = browser.get(f"{path}?{narrow}").get_data(as_text=True)
        assert "&lt;5" in html.split('id="selection-total"')[1].split("</p>")[0]
        cells = [c for rows in pages.parse(html).tables.values() for row in rows[1:]
                 for c in row[1:]]
        assert not {"1", "2", "3", "4"} & set(cells), path
    one = f"from=2026-01&to=2026-12&organization_id={world.other_kommune.id}"
    csv = browser.get(f"/dashboards/export/by_reporting_organization.csv?{one}")
    assert "Annenby kommune" in csv.get_data(as_text=True)
    assert ";3;" not in csv.get_data(as_text=True) and ",3," not in csv.get_data(as_text=True)
    headers = bearer(secretariat)
    per_year = client.get(f"/api/v1/stats/per_year?{one}", headers=headers).get_json()
    assert per_year["rows"][0]["total"] == HIDDEN
    by_org = client.get(f"/api/v1/stats/by_reporting_organization?{one}",
                        headers=headers).get_json()
    assert [r["count"] for r in by_org["rows"]] == [HIDDEN]


def test_each_years_months_add_up_to_that_year(world):
    # Each year: a month with 2 cases to the municipality among 10 to the hospital, and a
    # month of 6 and 10. Hiding the 2 and its row's 10 leaves each year's column
    # "to the hospital" with one hidden month, which the yearly figure 20 gives back
    # (and with it the 2), though the column over both years has two.
    for year in (2025, 2026):
        for month, back in ((1, 2), (2, 6)):
            for _ in range(10):
                make_case(world, event_date=date(year, month, 5))
            for _ in range(back):
                make_case(world, event_date=date(year, month, 6), reporting_unit=world.ward,
                          receiving_unit=world.home_care)
    secretariat = _viewers(world)["secretariat"]
    two_years = StatsFilter(date(2025, 1, 1), date(2026, 12, 31))
    shown, total, tables = _figures(secretariat, two_years)
    assert (shown, total) == (56, 56)
    assert tables["per_year"]["rows"][0]["municipality_to_hospital"] == 20
    assert recovered(tables, shown) == []
    months = {r["month"]: r for r in tables["per_month"]["rows"]}
    assert months["2025-01"]["hospital_to_municipality"] == HIDDEN
    assert months["2025-02"]["municipality_to_hospital"] == ":"


def test_the_issues_attacks_on_pages_are_closed(world, app):
    cases = _cases(world)
    secretariat = _viewers(world)["secretariat"]
    browser = _browser(app, secretariat)
    # A municipality with 3 cases: its row and the selection's size are both "<5".
    one = f"from=2026-01&to=2026-12&organization_id={world.other_kommune.id}"
    html = browser.get(f"/dashboards/breakdowns?{one}").get_data(as_text=True)
    assert "&lt;5" in html.split('id="selection-total"')[1].split("</p>")[0]
    assert pages.column(html, "table-by_reporting_organization", "Cases") == {
        "Annenby kommune": HIDDEN}
    # A unit's 20 cases beside one hidden unit under the selection's 25: the 20 is
    # hidden too, or 25 - 20 would give the other back.
    html = browser.get("/dashboards/breakdowns?from=2026-01&to=2026-12").get_data(as_text=True)
    units = pages.column(html, "table-by_unit", "Cases")
    assert len(cases) == 25 and sum(map(is_hidden, units.values())) != 1
    assert HIDDEN in units.values()
    assert list(units) == sorted(units, key=str.casefold)
