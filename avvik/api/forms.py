"""The form for a new API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from avvik.api.services import NAME_LIMIT
from avvik.core.forms import AppForm


class NewTokenForm(AppForm):
    name = StringField(_l("Name of the token"), validators=[
        DataRequired(message=_l("Give the token a name.")), Length(max=NAME_LIMIT)])
