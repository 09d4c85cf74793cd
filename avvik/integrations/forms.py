"""The forms of the integrations page: a service token, a webhook."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from avvik.api.services import NAME_LIMIT
from avvik.core.forms import AppForm
from avvik.integrations.accounts import READ, READ_FILE
from avvik.integrations.webhooks import URL_LIMIT


class ServiceTokenForm(AppForm):
    name = StringField(_l("Name of the token"), validators=[
        DataRequired(message=_l("Give the token a name.")), Length(max=NAME_LIMIT)])
    scope = SelectField(_l("The token may"), default=READ, validators=[DataRequired()],
                        choices=[SelectChoice(READ, _l("Read the organisation's cases")),
                                 SelectChoice(READ_FILE, _l("Read the organisation's cases "
                                                            "and file reports"))])


class WebhookForm(AppForm):
    url = StringField(_l("Address of the receiver"), validators=[
        DataRequired(message=_l("Give the address of the receiver.")),
        Length(max=URL_LIMIT)])
