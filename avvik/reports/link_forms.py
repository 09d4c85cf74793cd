"""The forms of linking two reports of one event, and of undoing a link
(avvik/reports/services/linking.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from avvik.reports.forms import NeededToSubmit, StepForm


class LinkForm(StepForm):
    case_number = StringField(_l("The other side's case number"), [NeededToSubmit(),
                                                                   Length(max=20)],
                              description=_l("For example SA-2025-00123."))
    reason = TextAreaField(_l("Why are the two reports of the same event?"),
                           [NeededToSubmit()], render_kw={"rows": 3},
                           description=_l("Both cases' readers see the reason on their "
                                          "timeline. Never the patient's name or identity "
                                          "number."))


class UnlinkForm(StepForm):
    case_number = StringField(_l("The linked case's number"), [NeededToSubmit(),
                                                              Length(max=20)])
    reason = TextAreaField(_l("Why are they not of the same event?"), [NeededToSubmit()],
                           render_kw={"rows": 3})
