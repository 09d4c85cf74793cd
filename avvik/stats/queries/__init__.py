"""The read side of the dashboards: every number aggregated in SQL.

Each function takes the viewing user and a StatsFilter and counts the selection: the
counted cases (see ``base``) in the user's statistics scope (avvik.stats.scope) that
match the filter.
"""

from avvik.stats.queries.base import (
    NOT_COUNTED,
    Selection,
    counted,
    filter_condition,
    resolve,
)
from avvik.stats.queries.breakdowns import (
    SPLIT_BY_ORGANIZATION,
    BreakdownRow,
    Counts,
    Dimension,
    breakdown,
    pareto,
)
from avvik.stats.queries.cases import CaseList, case_list, case_rows
from avvik.stats.queries.counts import (
    PeriodCount,
    counts_per_month,
    counts_per_year,
    total_count,
)
from avvik.stats.queries.durations import DurationStats, duration_stats, percentile
from avvik.stats.queries.followup import (
    EscalationCount,
    Feedback,
    UnitLoad,
    escalations_per_level,
    feedback,
    open_and_overdue_per_unit,
)
from avvik.stats.queries.measures import (
    MeasureEvaluation,
    measure_evaluations,
    measure_summary,
)
from avvik.stats.queries.performance import (
    AnswerPerformance,
    OrganizationPerformance,
    answer_performance,
    answer_performance_by_organization,
)

__all__ = [
    "NOT_COUNTED",
    "SPLIT_BY_ORGANIZATION",
    "AnswerPerformance",
    "BreakdownRow",
    "CaseList",
    "Counts",
    "Dimension",
    "DurationStats",
    "EscalationCount",
    "Feedback",
    "MeasureEvaluation",
    "OrganizationPerformance",
    "PeriodCount",
    "Selection",
    "UnitLoad",
    "answer_performance",
    "answer_performance_by_organization",
    "breakdown",
    "case_list",
    "case_rows",
    "counted",
    "counts_per_month",
    "counts_per_year",
    "duration_stats",
    "escalations_per_level",
    "feedback",
    "filter_condition",
    "measure_evaluations",
    "measure_summary",
    "open_and_overdue_per_unit",
    "pareto",
    "percentile",
    "resolve",
    "total_count",
]
