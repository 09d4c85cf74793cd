"""The case list's filters, read from the query string so a filtered list can be
bookmarked and a figure of the dashboards can open its cases (avvik/dashboards/drilldown.py).
A value that is not understood is reported and left out, the rest still applies.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import Length, NumberRange, Optional

from avvik.catalog import queries as catalog
from avvik.core.day_field import DAY_FORMAT_HINT, DayField
from avvik.core.forms import AppForm, select_choices
from avvik.core.ids import MAX_PAGE
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.reports.forms import _consequence, _id, _select
from avvik.reports.labels import CONSEQUENCE_LEVELS, DIRECTION_LABELS, SORT_LABELS, STATUS_LABELS
from avvik.reports.models import Direction, ReportStatus
from avvik.reports.queries import OPEN_STATUSES, ListView, ReportFilter, default_sort


def _direction(value: Any) -> Direction | None:
    if value in ("", None):
        return None
    return Direction(value)


class ListFilterForm(AppForm):
    """The list's filters, read from the query string so a filtered list can be
    bookmarked. A value that is not understood is reported and left out."""

    view = SelectField(_l("List"), [Optional()], validate_choice=False)
    status = SelectMultipleField(
        _l("Status"), [Optional()],
        choices=select_choices((s.value, label) for s, label in STATUS_LABELS.items()))
    overdue = BooleanField(_l("Only overdue cases"))
    serious = BooleanField(_l("Only serious events"))
    #: The start page's links: what changed since the user last opened it, what is due.
    unread = BooleanField(_l("Only new or updated cases"))
    due = SelectField(_l("Due"), [Optional()], validate_choice=False,
                      choices=select_choices([("week", _l("This week"))], _l("Any time")))
    agreement = _select(_l("Agreement"))
    transition = _select(_l("Transition"))
    category = _select(_l("Category"))
    date_from = DayField(_l("Event from"), [Optional()], description=DAY_FORMAT_HINT)
    date_to = DayField(_l("Event to"), [Optional()], description=DAY_FORMAT_HINT)
    # What the dashboards count by, so that a figure there opens its cases here.
    organization = _select(_l("Organisation, either side"))
    reporting_organization = _select(_l("Reporting organisation"))
    receiving_organization = _select(_l("Receiving organisation"))
    unit = _select(_l("Unit, with the units below it, either side"))
    responsible_unit = _select(_l("Responsible unit"))
    direction = SelectField(_l("Direction"), [Optional()], coerce=_direction,
                            validate_choice=False)
    consequence = SelectField(_l("Actual consequence"), [Optional()], coerce=_consequence,
                              validate_choice=False)
    potential_consequence = SelectField(_l("Potential consequence"), [Optional()],
                                        coerce=_consequence, validate_choice=False)
    escalation = SelectField(_l("Escalation"), [Optional()], coerce=_id, validate_choice=False)
    #: Only the cases the user's statistics count (a figure of the dashboards opens them).
    counted = BooleanField(_l("Only the cases your statistics count"))
    q = SearchField(_l("Search"), [Optional(), Length(max=200)],
                    description=_l("Words from the text, the answer or the comments, or a "
                                   "case number."))
    #: The inbox shows the open cases unless "all" is asked for (no status chosen).
    cases = SelectField(_l("Cases"), [Optional()], validate_choice=False,
                        choices=select_choices([("open", _l("Open cases")),
                                                ("all", _l("All cases"))]))
    sort = SelectField(_l("Sort by"), [Optional()], validate_choice=False,
                       choices=select_choices(SORT_LABELS.items()))
    order = SelectField(_l("Order"), [Optional()], validate_choice=False,
                        choices=select_choices([("desc", _l("Descending")),
                                                ("asc", _l("Ascending"))]))
    page = IntegerField(_l("Page"), [Optional(), NumberRange(min=1, max=MAX_PAGE)])
    open_only = False  #: set by ``to_filter``: the inbox shows its open cases by default

    def offer_choices(self, views: list[tuple[str, str]], community_ids: list[int]) -> None:
        self.view.choices = select_choices(views)
        agreements = [a for cid in community_ids for a in catalog.all_agreements(cid)]
        transitions = [t for cid in community_ids for t in catalog.all_transitions(cid)]
        categories = [c for cid in community_ids for c in catalog.all_categories(cid)]
        self.agreement.choices = select_choices(
            [(a.id, f"{a.number} {a.title}") for a in agreements], _l("Any agreement"))
        self.transition.choices = select_choices(
            [(t.id, f"{t.phase.code} {t.name}") for t in transitions], _l("Any transition"))
        self.category.choices = select_choices([(c.id, c.name) for c in categories],
                                            _l("Any category"))
        organizations, units = _organizations_and_units(community_ids)
        for field in (self.organization, self.reporting_organization,
                      self.receiving_organization):
            field.choices = select_choices(organizations, _l("Any organisation"))
        for field in (self.unit, self.responsible_unit):
            field.choices = select_choices(units, _l("Any unit"))
        self.direction.choices = select_choices(
            [(d.value, str(label)) for d, label in DIRECTION_LABELS.items()],
            _l("Any direction"))
        levels = [(c.value, str(level.label)) for c, level in CONSEQUENCE_LEVELS.items()]
        self.consequence.choices = select_choices(levels, _l("Any consequence"))
        self.potential_consequence.choices = select_choices(levels, _l("Any consequence"))
        self.escalation.choices = select_choices(
            [(n, str(_l("Level %(level)d or higher", level=n))) for n in (1, 2, 3)],
            _l("Escalated or not"))

    def problems(self) -> list[str]:
        """Validate, blank every field that failed, and say what was left out."""
        self.validate()
        messages = []
        for field in self:
            if type(field) is SelectField and field.data not in (None, "") \
                    and field.data not in _values(field.choices):
                field.errors = [*field.errors, str(_l("Not one of the choices."))]
            if field.errors:
                messages += [f"{field.label.text}: {error}" for error in field.errors]
                field.data = [] if field is self.status else None
        return messages


    def to_filter(self, views: list[ListView], default: ListView | None = None
                  ) -> ReportFilter:
        """The filter for ``list_reports``; call ``problems`` first. ``default``: the view
        when none is asked for (the inbox if offered, else my reports, unless given)."""
        if not self.view.data:
            self.view.data = (default or (ListView.INBOX if ListView.INBOX in views
                                          else ListView.MINE)).value
        view = ListView(self.view.data)
        statuses = [ReportStatus(s) for s in self.status.data or []]
        # The inbox is a to-do list: a ward's forty open cases, the nearest deadline first,
        # not buried under its years of closed ones.
        self.open_only = view == ListView.INBOX and not statuses and self.cases.data != "all"
        search = (self.q.data or "").strip() or None
        if not self.sort.data and search:  # the best matches first
            self.sort.data = default_sort(search)
        if not self.sort.data:  # the inbox by deadline; a period by the events in it
            period = self.date_from.data or self.date_to.data
            self.sort.data = "answer_due" if self.open_only else "event" if period else "created"
            self.order.data = self.order.data or ("asc" if self.open_only else "desc")
        return ReportFilter(
            view=view, statuses=list(OPEN_STATUSES) if self.open_only else statuses,
            overdue=bool(self.overdue.data), serious=bool(self.serious.data),
            agreement_id=self.agreement.data,
            unread=bool(self.unread.data), due_this_week=self.due.data == "week",
            transition_id=self.transition.data, category_id=self.category.data,
            date_from=self.date_from.data, date_to=self.date_to.data,
            organization_id=self.organization.data,
            reporting_organization_id=self.reporting_organization.data,
            receiving_organization_id=self.receiving_organization.data,
            unit_id=self.unit.data, responsible_unit_id=self.responsible_unit.data,
            direction=self.direction.data, consequence=self.consequence.data,
            potential_consequence=self.potential_consequence.data,
            escalation=self.escalation.data,
            search=search,
            sort=self.sort.data, descending=self.order.data != "asc",
        )


def _organizations_and_units(community_ids: list[int]
                             ) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The organisations of the communities, and their units as "Organisation: unit",
    inactive ones too: a dashboard of last year may count a unit closed since."""
    organizations = db.session.execute(
        db.select(Organization.id, Organization.name)
        .where(Organization.health_community_id.in_(community_ids))
        .order_by(Organization.name)).all()
    units = db.session.execute(
        db.select(Unit.id, Organization.name + ": " + Unit.name).join(Unit.organization)
        .where(Organization.health_community_id.in_(community_ids))
        .order_by(Organization.name, Unit.name)).all()
    return [tuple(row) for row in organizations], [tuple(row) for row in units]


def _values(choices: list[SelectChoice]) -> set[Any]:
    return {choice.value for choice in choices}
