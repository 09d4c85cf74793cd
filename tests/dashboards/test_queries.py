"""Speed and the filter's choices: a page asks the database the same few questions
whatever the amount of data (no query per case, row or organisation), and offers the
choices of the viewer's health community only."""

from __future__ import annotations

from datetime import date

import pytest

from avvik.dashboards.queries import filter_choices
from avvik.extensions import db
from avvik.measures.models import Measure, MeasureReport, MeasureStatus
from avvik.reports.models import Consequence, ReportStatus
from tests.dashboards.conftest import YEAR
from tests.factories import make_health_community, make_organization, make_unit
from tests.sql_log import recorded_sql
from tests.stats.data import make_case, oslo


def _more_data(world) -> None:
    """Many cases across units, organisations, categories, consequences and months."""
    units = [world.ward, world.other_ward, world.clinic]
    for n in range(30):
        make_case(world, event_date=date(2026, 1 + n % 12, 1 + n % 27),
                  receiving_unit=units[n % 3],
                  category_id=(world.medication if n % 2 else world.other).id,
                  consequence=list(Consequence)[n % 5], status=ReportStatus.CLOSED,
                  routed_at=oslo(2026, 3, 2, 9), acknowledged_at=oslo(2026, 3, 2 + n % 5, 9),
                  answered_at=oslo(2026, 3, 9 + n % 7, 9), answer_due_at=oslo(2026, 3, 20),
                  answer_delivered_at=oslo(2026, 3, 20), escalation_level=n % 4)
        make_case(world, event_date=date(2026, 1 + n % 12, 2), reporting_unit=world.ward,
                  receiving_unit=world.home_care)


@pytest.mark.parametrize("path", ["/dashboards/", "/dashboards/breakdowns",
                                  "/dashboards/performance", "/dashboards/measures",
                                  "/dashboards/yearly/2026"])
def test_a_page_asks_the_same_number_of_questions_whatever_the_data(world, people,
                                                                     browser_for, path):
    browser = browser_for(people.secretariat)
    url = f"{path}?{YEAR}"
    make_case(world, event_date=date(2026, 2, 1))
    with recorded_sql() as few:
        assert browser.get(url).status_code == 200
    _more_data(world)
    with recorded_sql() as many:
        assert browser.get(url).status_code == 200
    assert len(many) == len(few), (len(few), len(many))


def _evaluated_measure(world, title: str, start: date) -> None:
    case = make_case(world, event_date=start)
    measure = Measure(title=title, owning_unit_id=world.ward.id, created_by_id=world.admin.id,
                      due_date=date(2026, 4, 1), status=MeasureStatus.COMPLETED,
                      start_date=start, evaluated_at=oslo(2026, 6, 1))
    measure.links.append(MeasureReport(report_id=case.id, linked_by_id=world.admin.id))
    db.session.add(measure)
    db.session.flush()


def test_the_measures_page_asks_as_much_for_five_evaluated_measures_as_for_one(
        world, browser_for):
    browser = browser_for(world.admin)
    url = f"/dashboards/measures?{YEAR}"
    _evaluated_measure(world, "Tiltak 1", date(2026, 2, 10))
    with recorded_sql() as one:
        assert browser.get(url).status_code == 200
    for n in range(2, 6):
        _evaluated_measure(world, f"Tiltak {n}", date(2026, n, 10))
    with recorded_sql() as five:
        html = browser.get(url).get_data(as_text=True)
    assert len(five) == len(one), (len(one), len(five))
    assert all(f"Tiltak {n}" in html for n in range(1, 6))


def _on_cases(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM reports" in s]


def test_the_overview_counts_the_cases_once_for_the_total_both_tables_and_all_run_charts(
        world, browser_for):
    make_case(world, event_date=date(2026, 2, 1))
    browser = browser_for(world.admin)
    with recorded_sql() as statements:
        html = browser.get(f"/dashboards/?{YEAR}").get_data(as_text=True)
    assert len(_on_cases(statements)) == 1, _on_cases(statements)
    for series in ("total", "municipality_to_hospital", "hospital_to_municipality", "other"):
        assert f'id="run-{series}"' in html


def test_the_yearly_report_counts_the_days_of_its_five_years_once(world, browser_for):
    _more_data(world)
    browser = browser_for(world.admin)
    with recorded_sql() as statements:
        assert browser.get("/dashboards/yearly/2026").status_code == 200
    # The trend, the year's months and the run charts' 24 months: one count per day.
    per_day = [s for s in _on_cases(statements) if "GROUP BY reports.event_date" in s]
    assert len(per_day) == 1, per_day


def test_the_breakdowns_share_one_pass_over_the_cases_on_postgresql(world, browser_for):
    _more_data(world)
    browser = browser_for(world.admin)
    with recorded_sql() as statements:
        assert browser.get(f"/dashboards/breakdowns?{YEAR}").status_code == 200
    # PostgreSQL: one GROUPING SETS gives every breakdown and the total; SQLite has no
    # GROUPING SETS: the total, then one GROUP BY per breakdown.
    expected = 1 if db.engine.dialect.name == "postgresql" else 1 + 8
    assert len(_on_cases(statements)) == expected, _on_cases(statements)


def test_the_filter_offers_only_the_viewers_health_community(world, people):
    elsewhere = make_organization("Fjernby kommune",
                                  health_community=make_health_community("Annet fellesskap"))
    make_unit("Fjernby hjemmetjeneste", organization=elsewhere)
    choices = filter_choices(people.secretariat)
    names = [label for _value, label in choices.organizations]
    assert names == ["Annenby kommune", "Testvik kommune", "Testvik sykehus HF"]
    assert not any("Fjernby" in label for _value, label in choices.units)
    assert ("Testvik sykehus HF: Medisinsk sengepost" in
            [label for _value, label in choices.units])
    assert [label for _v, label in choices.categories] == [
        "Annet", "Legemiddelliste mangler", "Mangler i innleggelse"]
    everything = filter_choices(world.admin)
    assert "Fjernby kommune" in [label for _value, label in everything.organizations]
