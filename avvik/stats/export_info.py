"""What a download says about itself: sheet names and the lines that tell its reader the
filter, when it was taken (Oslo time), by whom and how small counts are treated.

A figure sent on by e-mail loses the page it came from; these lines go with it, as the
first rows of a CSV file and as a sheet of their own in an XLSX workbook.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from avvik.extensions import db
from avvik.reports.labels import consequence_label
from avvik.stats.filters import ID_FILTERS, StatsFilter
from avvik.stats.labels import direction_label
from avvik.users.models import User

#: A line of the description: (label, text).
Line = tuple[str, str]

#: Each download's sheet name: whole words within Excel's 31 characters, in both
#: languages (tests/stats/test_export_info.py checks every table has one).
SHEET_NAMES = {
    "per_month": _l("Per month"),
    "per_year": _l("Per year"),
    "by_agreement": _l("Per agreement"),
    "by_transition": _l("Per transition"),
    "by_category": _l("Per category"),
    "by_reporting_organization": _l("Per reporting organisation"),
    "by_receiving_organization": _l("Per receiving organisation"),
    "by_unit": _l("Per responsible unit"),
    "by_consequence": _l("Per consequence"),
    "by_potential_consequence": _l("Per potential consequence"),
    "answer_performance": _l("Answer performance"),
    "answer_performance_by_organization": _l("Answers per organisation"),
    "open_per_unit": _l("Open cases per unit"),
    "escalations": _l("Escalations"),
    "feedback": _l("Feedback to the reporter"),
    "serious_events": _l("Serious events"),
    "events": _l("Reports and events"),
    "measures": _l("Measures"),
    "measure_evaluations": _l("Measures before and after"),
    "measures_started": _l("Measures started"),
    "cases": _l("Cases"),
}
#: The sheet of the lines below.
ABOUT_SHEET = _l("About the export")

# Said in full, in the reader's language: the file goes to readers who never see the
# README.
SUPPRESSION_RULE = _l(
    "Counts from 1 to 4 are shown as <5 to anyone who may not open every case behind "
    "them, and figures that would let them be worked out are shown as :.")
CASE_LIST_RULE = _l(
    "Only the cases you may open are listed, and never the patient's identity.")

_ID_LABELS = {
    "organization_id": _l("Organisation"),
    "unit_id": _l("Unit"),
    "agreement_id": _l("Agreement"),
    "transition_id": _l("Transition"),
    "category_id": _l("Category"),
}


def sheet_name(name: str) -> str:
    return str(SHEET_NAMES.get(name, _l("Figures")))


def describe_filter(filters: StatsFilter) -> str:
    """The filter in words: the period, then each narrowing by its name."""
    parts = [f"{_l('Period')}: {filters.period_from.isoformat()} – "
             f"{filters.period_to.isoformat()}"]
    if filters.direction is not None:
        parts.append(f"{_l('Direction')}: {direction_label(filters.direction)}")
    for key, label in _ID_LABELS.items():
        value = getattr(filters, key)
        if value is not None:
            parts.append(f"{label}: {_name_of(key, value)}")
    if filters.consequence is not None:
        parts.append(f"{_l('Consequence')}: {consequence_label(filters.consequence)}")
    if filters.potential_consequence is not None:
        parts.append(f"{_l('Potential consequence')}: "
                     f"{consequence_label(filters.potential_consequence)}")
    return "; ".join(parts)


def about_lines(title: str, filters: StatsFilter, viewer: User, moment: datetime, *,
                case_list: bool = False) -> list[Line]:
    """The lines that go with a download of ``title`` taken by ``viewer`` at ``moment``
    (an aware datetime in Oslo time)."""
    return [
        (str(_l("Contents")), title),
        (str(_l("Filter")), describe_filter(filters)),
        (str(_l("Taken")), f"{moment:%Y-%m-%d %H:%M} ({_l('Norwegian time')})"),
        (str(_l("Taken by")), viewer.full_name),
        (str(_l("Cases listed")), str(CASE_LIST_RULE)) if case_list
        else (str(_l("Small counts")), str(SUPPRESSION_RULE)),
    ]


def _name_of(key: str, value: int) -> str:
    model, _ = ID_FILTERS[key]
    row = db.session.get(model, value)
    if row is None:
        return str(value)
    if key == "agreement_id":
        return f"{row.number} {row.title}"
    if key == "transition_id":
        return f"{row.code} {row.name}"
    return row.name
