"""Answer performance, follow-up and measures on their pages, with exact numbers."""

from __future__ import annotations

from datetime import date

from avvik.discharges.models import DischargeCount
from avvik.extensions import db
from avvik.measures.models import Measure, MeasureReport, MeasureStatus
from avvik.reports.models import ReportStatus
from tests.dashboards import pages
from tests.dashboards.conftest import YEAR
from tests.stats.data import make_case, oslo


def test_the_performance_page_shows_working_days_deadlines_and_feedback(world,
                                                                        browser_for):
    # Routed Friday 27 March 2026; Easter (2-6 April) lies in the second answer.
    make_case(world, status=ReportStatus.CLOSED, event_date=date(2026, 3, 26),
              routed_at=oslo(2026, 3, 27, 9), acknowledged_at=oslo(2026, 3, 30, 9),
              answered_at=oslo(2026, 3, 31, 9), answer_due_at=oslo(2026, 4, 17, 15),
              answer_delivered_at=oslo(2026, 3, 31, 10))
    make_case(world, status=ReportStatus.ANSWERED, event_date=date(2026, 3, 26),
              routed_at=oslo(2026, 3, 27, 9), acknowledged_at=oslo(2026, 3, 27, 12),
              answered_at=oslo(2026, 4, 8, 9), answer_due_at=oslo(2026, 4, 7, 15),
              escalation_level=2)
    make_case(world, status=ReportStatus.ROUTED, event_date=date(2026, 3, 26),
              routed_at=oslo(2026, 3, 27, 9), answer_due_at=oslo(2026, 4, 17, 15),
              acknowledge_due_at=oslo(2026, 3, 31, 15))
    html = browser_for(world.admin).get(f"/dashboards/performance?{YEAR}").get_data(
        as_text=True)
    figures = pages.column(html, "table-answer_performance", "Value")
    assert figures["Working days to acknowledge, median"] == "0.5"
    # 2 working days, and 5: 30 and 31 March, 1, 7 and 8 April (Easter in between).
    assert figures["Working days to answer, median"] == "3.5"
    assert figures["Working days to answer, 90th percentile"] == "4.7"
    assert figures["Share answered within the deadline"] == "50.0%"
    per_unit = pages.table(html, "table-open_per_unit")
    assert per_unit[1] == ["Testvik sykehus HF: Medisinsk sengepost", "1", "1"]
    escalations = pages.column(html, "table-escalations", "Cases")
    assert escalations == {"1": "1", "2": "1", "3": "0"}
    feedback = pages.column(html, "table-feedback", "Value")
    assert feedback["Share of closed cases whose answer reached the reporter"] == "100.0%"
    assert feedback["Share of answered cases whose answer reached the reporter"] == "50.0%"
    by_org = pages.column(html, "table-answer_performance_by_organization",
                          "Working days to answer, median")
    assert by_org == {"Testvik sykehus HF": "3.5"}


def _evaluated_measure(world) -> Measure:
    linked = make_case(world, event_date=date(2026, 2, 10))
    for day in (date(2026, 1, 5), date(2026, 2, 20), date(2026, 4, 2)):
        make_case(world, event_date=day)  # same category, same receiver
    measure = Measure(title="Ny sjekkliste ved utskriving", owning_unit_id=world.ward.id,
                      created_by_id=world.admin.id, due_date=date(2026, 4, 1),
                      status=MeasureStatus.COMPLETED, start_date=date(2026, 3, 1),
                      evaluated_at=oslo(2026, 9, 1))
    measure.links.append(MeasureReport(report_id=linked.id, linked_by_id=world.admin.id))
    db.session.add(measure)
    db.session.flush()
    return measure


def test_the_measures_page_shows_each_evaluation_before_and_after(world, browser_for, clock):
    measure = _evaluated_measure(world)
    html = browser_for(world.admin).get(f"/dashboards/measures?{YEAR}").get_data(
        as_text=True)
    figures = pages.column(html, "table-measures", "Value")
    assert (figures["Open measures"], figures["Evaluated measures"]) == ("0", "1")
    rows = pages.table(html, f"table-evaluation-{measure.id}")[1:]
    # From January, the first month with data, to October, the last that has ended.
    assert [(r[2], r[3], r[4]) for r in rows] == [
        ("2026-01", "Before", "1"), ("2026-02", "Before", "2"),
        ("2026-03", "After", "0"), ("2026-04", "After", "1"), *(
            (f"2026-{m:02d}", "After", "0") for m in range(5, 11))]
    article = html[html.index(f'id="evaluation-{measure.id}"'):]
    article = article[:article.index("</article>")]
    # The run chart is drawn on the server: 10 points, the median before (1.5) dashed.
    assert article.count("<circle") == 10 and 'class="median"' in article
    assert "<canvas" not in article
    assert "Median before: 1.5 cases a month; after: 0." in article
    # Eight months after, all below the median before: a shift.
    assert "8 months below the median since March 2026" in article


def test_a_measures_small_counts_are_less_than_5_for_who_may_not_open_the_cases(
        world, people, browser_for, clock):
    measure = _evaluated_measure(world)
    for month in range(1, 11):  # the ward's discharges: rates where counts are shown
        db.session.add(DischargeCount(unit_id=world.ward.id, month=date(2026, month, 1),
                                      count=40, registered_by_id=world.admin.id))
    html = browser_for(people.secretariat).get(f"/dashboards/measures?{YEAR}").get_data(
        as_text=True)
    rows = pages.table(html, f"table-evaluation-{measure.id}")[1:]
    counts = [row[4] for row in rows]
    assert counts[:2] == ["<5", "<5"] and counts[2] == "0"
    # A rate is worked out from its count: hidden with it (–), shown beside a 0.
    assert [(row[5], row[6]) for row in rows[:3]] == [("40", "–"), ("40", "–"), ("40", "0")]
    # Nothing worked out from a hidden count: no median, no verdict, no point drawn.
    assert "Median before" not in html and "A count is hidden" in html
    article = html[html.index(f'id="evaluation-{measure.id}"'):]
    # January, February and April (1) hidden: 7 of the 10 months drawn.
    assert article[:article.index("</article>")].count("<circle") == 7
