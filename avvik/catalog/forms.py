"""Forms for the reference data. They parse input only; the rules live in services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from avvik.catalog.models import Phase
from avvik.core.forms import AppForm, select_choices
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity

#: The points of helse- og omsorgstjenesteloven § 6-2 (1 to 11), shown when choosing an
#: agreement's legal basis. Local numbering differs, so the point is stored apart from the
#: number; an agreement beyond the law's list (a local delavtale) has no point.
LEGAL_POINTS = {
    1: _l("Division of tasks and responsibility between the levels"),
    2: _l("Admission, discharge, habilitation, rehabilitation, learning and coping"),
    3: _l("Admission to hospital"),
    4: _l("Municipal 24-hour emergency beds"),
    5: _l("Patients ready for discharge who need municipal services"),
    6: _l("Knowledge transfer, information exchange, professional networks"),
    7: _l("Research, education, practice and apprenticeships"),
    8: _l("Midwife services"),
    9: _l("ICT solutions and electronic messaging"),
    10: _l("Prevention"),
    11: _l("Emergency preparedness and the emergency medical chain"),
}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _int_or_none(value: Any) -> int | None:
    """Coerce a select's value: "" means none; anything else must be a whole number."""
    if value in ("", None):
        return None
    return int(value)


class CatalogForm(AppForm):
    """Every catalog form is built for one health community and hands back service kwargs."""

    def __init__(self, *args: Any, community: HealthCommunity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community

    def values(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items()
                if name != "csrf_token"}

    def phase_choices(self) -> list[tuple[Any, str]]:
        # Inactive phases stay listed so an existing entry keeps showing its phase; the
        # service decides what may be chosen.
        phases = db.session.scalars(
            db.select(Phase).filter_by(health_community_id=self.community.id)
            .order_by(Phase.sort_order, Phase.code)
        )
        inactive = _l("inactive")
        return [(p.id, f"{p.code} {p.name}" + ("" if p.is_active else f" ({inactive})"))
                for p in phases]


class AgreementForm(CatalogForm):
    number = StringField(_l("Number"), [InputRequired(), Length(max=20)], filters=[_strip],
                         description=_l('The community\'s own numbering, such as "3" or "5a".'))
    title = StringField(_l("Title"), [InputRequired(), Length(max=300)], filters=[_strip])
    legal_point = SelectField(
        _l("Point of § 6-2"), coerce=_int_or_none, validate_choice=False,
        description=_l("Leave empty for a local agreement that is not on the law's list."),
    )
    acknowledge_days = IntegerField(
        _l("Acknowledge within (working days)"), [InputRequired()], default=2,
        description=_l("0 means the same working day."),
    )
    answer_days = IntegerField(_l("Answer within (working days)"), [InputRequired()],
                               default=15)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.legal_point.choices = select_choices(
            ((point, f"{point}. {label}") for point, label in LEGAL_POINTS.items()),
            empty=_l("None (local agreement)"))


class PhaseForm(CatalogForm):
    code = StringField(_l("Code"), [InputRequired(), Length(max=10)], filters=[_strip],
                       description=_l('A short code such as "A" or "C".'))
    name = StringField(_l("Name"), [InputRequired(), Length(max=200)], filters=[_strip])
    sort_order = IntegerField(_l("Sort order"), [Optional()],
                              description=_l("Lower numbers come first."))


class TransitionForm(CatalogForm):
    phase_id = SelectField(_l("Phase"), [InputRequired()], coerce=_int_or_none,
                           validate_choice=False)
    code = StringField(_l("Code"), [InputRequired(), Length(max=20)], filters=[_strip])
    name = StringField(_l("Name"), [InputRequired(), Length(max=200)], filters=[_strip])
    sort_order = IntegerField(_l("Sort order"), [Optional()],
                              description=_l("Lower numbers come first."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phase_id.choices = select_choices(self.phase_choices(), _l("Choose a phase"))


class CategoryForm(CatalogForm):
    code = StringField(_l("Code"), [InputRequired(), Length(max=40)], filters=[_strip])
    name = StringField(_l("Name"), [InputRequired(), Length(max=200)], filters=[_strip])
    phase_id = SelectField(_l("Offered in phase"), coerce=_int_or_none, validate_choice=False,
                           description=_l("Choose all phases for categories such as "
                                          '"Other".'))
    sort_order = IntegerField(_l("Sort order"), [Optional()],
                              description=_l("Lower numbers come first."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phase_id.choices = select_choices(self.phase_choices(), _l("All phases"))


class ActiveForm(AppForm):
    """The deactivate / reactivate button: nothing to type, only the wish."""

    active = HiddenField(validators=[AnyOf(["0", "1"])])
