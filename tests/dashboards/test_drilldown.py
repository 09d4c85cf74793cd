"""Every chart and table leads to its cases (avvik/dashboards/drilldown.py): a figure's
link opens the case list with the same filter, and the list shows exactly as many cases as
the figure counts, for every viewer who may open them and several filters. Who may not
open every case counted gets no link; the dashboards say what they leave out and mark the
month that has not ended."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from avvik.dashboards.drilldown import BUILDERS
from avvik.dashboards.services import build_dashboard
from avvik.reports.models import Consequence, Direction, ReportStatus
from avvik.stats.filters import StatsFilter
from tests.dashboards import pages
from tests.dashboards.conftest import YEAR
from tests.stats.data import make_case, oslo

PERIOD = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))
#: The list's "N cases" line (in either language: the number comes first).
LIST_COUNT = re.compile(r'<p class="ds-paragraph" role="status">(\d+)\s')


@pytest.fixture
def cases(world):
    """Cases of every kind the dashboards count or leave out, over five months."""
    annenby = world.other_kommune.units[0]
    late = oslo(2026, 3, 20, 12)
    for month, day in ((1, 5), (1, 20), (2, 3), (3, 9), (3, 10), (5, 2)):
        make_case(world, event_date=date(2026, month, day))
    make_case(world, event_date=date(2026, 2, 14), consequence=Consequence.MODERATE,
              potential_consequence=Consequence.DEATH, status=ReportStatus.CLOSED)
    make_case(world, event_date=date(2026, 3, 1), category_id=world.other.id,
              answer_due_at=late, escalation_level=2, status=ReportStatus.ACKNOWLEDGED)
    make_case(world, event_date=date(2026, 3, 2), reporting_unit=annenby,
              receiving_unit=world.other_ward, consequence=Consequence.MODERATE,
              answer_due_at=late, escalation_level=1)
    make_case(world, event_date=date(2026, 4, 7), reporting_unit=world.ward,
              receiving_unit=world.home_care, potential_consequence=Consequence.DEATH)
    make_case(world, event_date=date(2026, 4, 8), responsible=False,
              status=ReportStatus.SUBMITTED, transition_id=world.admission.id)
    # Left out by every figure: they must not be in the lists either.
    make_case(world, event_date=date(2026, 3, 3), status=ReportStatus.WITHDRAWN)
    make_case(world, event_date=date(2026, 3, 4), status=ReportStatus.AWAITING_APPROVAL)
    make_case(world, event_date=date(2026, 3, 5), status=ReportStatus.DRAFT)
    make_case(world, event_date=date(2025, 12, 31))
    # Between the two municipalities, the hospital asked for a joint answer: its
    # coordinator reads the case, its statistics do not count it.
    make_case(world, event_date=date(2026, 3, 6), receiving_unit=annenby,
              joint_organization_id=world.hospital.id)


def _filters(world) -> dict[str, StatsFilter]:
    def narrowed(**fields: object) -> StatsFilter:
        return StatsFilter(PERIOD.period_from, PERIOD.period_to, **fields)
    return {
        "none": PERIOD,
        "direction": narrowed(direction=Direction.MUNICIPALITY_TO_HOSPITAL),
        "unit": narrowed(unit_id=world.ward.id),
        "organisation": narrowed(organization_id=world.other_kommune.id),
        "consequence": narrowed(consequence=Consequence.MODERATE),
        "potential consequence": narrowed(potential_consequence=Consequence.DEATH),
        "category and a part of a month": StatsFilter(date(2026, 3, 2), date(2026, 4, 30),
                                                      category_id=world.other.id),
    }


def _figures(app, viewer, filters: StatsFilter) -> list[tuple[str, object, str]]:
    """(where, the figure, its link) for every linked figure of the three pages."""
    found = []
    with app.test_request_context():
        for section in ("overview", "breakdowns", "performance"):
            page = build_dashboard(viewer, filters, section)
            for name, panel in page.panels.items():
                records = panel.table.records()
                for record, links in zip(records, panel.links, strict=False):
                    row_count = BUILDERS[name][1]
                    for key, link in links.items():
                        found.append((f"{name} {key or row_count}",
                                      record[key or row_count], link))
            for view in page.run_charts:
                found += [(f"run {view.series} {month}", value, link)
                          for month, value, link in zip(view.months, view.chart.values,
                                                        view.spec["datasets"][0]["links"],
                                                        strict=True) if link]
    return found


def _viewer(world, people, who: str, app, monkeypatch):
    if who == "secretariat, reading its community":
        monkeypatch.setitem(app.config, "SECRETARIAT_READS", "community")
        return people.secretariat
    return getattr(world, who, None) or getattr(people, who)


@pytest.mark.parametrize("who", ["admin", "hospital_coordinator", "ward_leader",
                                 "hospital_adviser", "secretariat, reading its community"])
def test_every_figure_opens_a_list_of_as_many_cases(app, world, people, cases, browser_for,
                                                     monkeypatch, who):
    viewer = _viewer(world, people, who, app, monkeypatch)
    browser = browser_for(viewer)
    listed: dict[str, int] = {}
    checked = 0
    # Every filter for the administrator; for the others (whose scopes differ in shape:
    # an organisation, a unit's subtree, a community), the whole and two narrowings.
    chosen = {label: f for label, f in _filters(world).items()
              if who == "admin" or label in ("none", "organisation", "potential consequence")}
    for label, filters in chosen.items():
        for where, figure, link in _figures(app, viewer, filters):
            if link not in listed:
                html = browser.get(link).get_data(as_text=True)
                listed[link] = int(LIST_COUNT.search(html).group(1))
            assert listed[link] == figure, (who, label, where, link)
            checked += 1
    assert checked > 30, checked  # rows, bars and points of every kind were followed


def test_the_links_are_on_the_page_and_its_charts(world, cases, browser_for):
    html = browser_for(world.hospital_coordinator).get(
        f"/dashboards/breakdowns?{YEAR}").get_data(as_text=True)
    assert 'data-cases' in html
    link = re.search(r'<th scope="row"><a class="ds-link" href="([^"]+)" data-cases>'
                     r'Legemiddelliste mangler</a>', html)
    assert link and "category=" in link.group(1) and "counted=1" in link.group(1)
    spec = pages.chart(html, "chart-by_category")
    assert spec["datasets"][0]["links"][0].replace("&amp;", "&") == link.group(1).replace(
        "&amp;", "&")
    overview = browser_for(world.admin).get(f"/dashboards/?{YEAR}").get_data(as_text=True)
    stacked = pages.chart(overview, "chart-per_month")["datasets"]
    assert stacked[0]["links"][0] and "direction=municipality_to_hospital" in (
        stacked[0]["links"][0])
    assert stacked[2]["links"][0] is None  # no case of "other" that month: no link


def _cell_links(html: str, table_id: str) -> dict[tuple[str, int], str]:
    """{(row's first cell, column index): the link of that cell} of a table."""
    body = html.split(f'id="{table_id}"')[1].split("</table>")[0].split("<tbody>")[1]
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        first = re.sub(r"<[^>]+>", "", cells[0]).strip()
        for i, cell in enumerate(cells):
            link = re.search(r'<a class="ds-link" href="([^"]+)" data-cases>', cell)
            if link:
                found[(first, i)] = link.group(1).replace("&amp;", "&")
    return found


def test_the_tables_figures_are_links_as_their_charts_are(world, cases, browser_for):
    browser = browser_for(world.admin)
    overview = browser.get(f"/dashboards/?{YEAR}").get_data(as_text=True)
    links = _cell_links(overview, "table-per_month")
    head = pages.table(overview, "table-per_month")[0]
    stacked = pages.chart(overview, "chart-per_month")
    month = stacked["labels"].index("2026-04")
    for dataset in stacked["datasets"]:  # a chart's dataset is a direction
        column = head.index(dataset["label"])
        assert links.get(("2026-04", column)) == (
            dataset["links"][month] and dataset["links"][month].replace("&amp;", "&"))
    assert "direction=hospital_to_municipality" in links[("2026-04", 2)]
    assert ("2026-04", 4) in links and "direction=" not in links[("2026-04", 4)]  # total
    breakdowns = browser.get(f"/dashboards/breakdowns?{YEAR}").get_data(as_text=True)
    categories = _cell_links(breakdowns, "table-by_category")
    assert categories[("Legemiddelliste mangler", 1)] == categories[(
        "Legemiddelliste mangler", 0)]
    performance = browser.get(f"/dashboards/performance?{YEAR}").get_data(as_text=True)
    units = _cell_links(performance, "table-open_per_unit")
    overdue = [link for (_, column), link in units.items() if column == 2]
    assert overdue and all("overdue=y" in link for link in overdue)
    serious = _cell_links(performance, "table-serious_events")
    assert [link for (_, column), link in serious.items()] == [
        link for link in serious.values() if "serious=y" in link]
    assert len(serious) == 2  # the serious events' row, its name and its count


def test_who_may_not_open_every_case_counted_gets_no_link(world, people, cases, browser_for):
    # The secretariat counts the community but reads only its agenda (empty here): its
    # figures are protected by the small-count rule and lead nowhere.
    browser = browser_for(people.secretariat)
    for path in ("/dashboards/", "/dashboards/breakdowns", "/dashboards/performance"):
        html = browser.get(f"{path}?{YEAR}").get_data(as_text=True)
        assert "data-cases" not in html and "/reports/?" not in html, path


def test_the_list_leaves_out_a_joint_answer_the_statistics_do_not_count(
        world, cases, browser_for):
    browser = browser_for(world.hospital_coordinator)
    march = "date_from=2026-03-01&date_to=2026-03-31&status=submitted&status=routed" \
            "&status=acknowledged&status=answered&status=closed&view=all"
    every = int(LIST_COUNT.search(browser.get(f"/reports/?{march}").get_data(
        as_text=True)).group(1))
    counted = browser.get(f"/reports/?{march}&counted=1").get_data(as_text=True)
    assert int(LIST_COUNT.search(counted).group(1)) == every - 1
    assert 'id="counted-note"' in counted


def test_the_dashboards_say_what_they_leave_out(world, cases, browser_for):
    html = browser_for(world.admin).get(f"/dashboards/?{YEAR}").get_data(as_text=True)
    note = html.split('id="not-counted"')[1].split("</p>")[0]
    assert "drafts" in note and "withdrawn" in note and "approval" in note


@pytest.mark.clock
def test_the_month_not_yet_ended_is_marked(world, clock, browser_for):
    today = clock.today
    make_case(world, event_date=today)
    make_case(world, event_date=today.replace(day=1) - timedelta(days=1))
    html = browser_for(world.admin).get("/dashboards/").get_data(as_text=True)
    month = f"{today:%Y-%m}"
    spec = pages.chart(html, "chart-per_month")
    assert [label for label, partial in zip(spec["labels"], spec["partial"], strict=True)
            if partial] == [month]
    assert 'id="unfinished-per_month"' in html
    row = re.search(rf'<tr data-unfinished><th scope="row">(<a [^>]+>)?{month}<', html)
    assert row, "the current month's row is marked"
    legend = html.split('class="chart__unfinished"')[1].split("</span>")[0]
    assert month in legend  # the chart's legend note
    years = pages.chart(html, "chart-per_year")
    assert [label for label, partial in zip(years["labels"], years["partial"], strict=True)
            if partial] == [str(today.year)]
