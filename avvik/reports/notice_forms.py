"""The forms of a serious case's two records (avvik/reports/services/notices.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from avvik.core.day_field import DayField
from avvik.core.forms import select_choices
from avvik.reports.forms import NeededToSubmit, StepForm


class NotifiedForm(StepForm):
    sent = SelectField(_l("Has the notice to Helsetilsynet been sent?"), [NeededToSubmit()],
                       validate_choice=False, choices=select_choices(
                           [("yes", _l("Yes, it has been sent")), ("no", _l("No"))],
                           _l("Choose")))
    on_date = DayField(_l("Date sent"), [Optional()],
                       description=_l("dd.mm.yyyy. Needed when the notice has been sent."))
    by_whom = StringField(_l("Sent by (name or role)"), [Optional()],
                          description=_l("For example “Clinic manager” or a name."))
    note = TextAreaField(_l("Note"), [Optional()], render_kw={"rows": 3},
                         description=_l("If it has not been sent: why, or when it will be. "
                                        "Never the patient's name or identity number."))


class InformedForm(StepForm):
    answer = SelectField(_l("Has the patient or next of kin been informed?"),
                         [NeededToSubmit()], validate_choice=False, choices=select_choices(
                             [("yes", _l("Yes")), ("no", _l("No")),
                              ("not_applicable", _l("Not applicable"))],
                             _l("Choose")))
    on_date = DayField(_l("Date informed"), [Optional()],
                       description=_l("dd.mm.yyyy. Needed when they have been informed."))
    note = TextAreaField(_l("Note"), [Optional()], render_kw={"rows": 3},
                         description=_l("Never the patient's name or identity number."))
