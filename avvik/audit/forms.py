"""The audit trail's search form, read from the query string so a search can be kept as
a link and exported as it is."""

from __future__ import annotations

import ipaddress
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from avvik.audit.actions import ACTIONS, OBJECT_TYPES
from avvik.audit.queries import AuditFilter, user_id_by_name
from avvik.core.day_field import DAY_FORMAT_HINT, DayField
from avvik.core.forms import AppForm, select_choices
from avvik.core.ids import MAX_PAGE, MAX_ROW_ID
from avvik.core.timeutil import OSLO


def _choices(labels: dict[str, object], empty: object) -> list[SelectChoice]:
    named = sorted(((value, str(label)) for value, label in labels.items()),
                   key=lambda choice: choice[1].lower())
    return select_choices(named, str(empty))


class AuditFilterForm(AppForm):
    user = StringField(_l("User name"), [Optional(), Length(max=80)],
                       description=_l("Who did it (the user name they have now)."))
    action = SelectField(_l("Action"), [Optional()])
    object_type = SelectField(_l("Object"), [Optional()])
    object_id = IntegerField(_l("Object id"), [Optional(), NumberRange(min=1, max=MAX_ROW_ID)])
    client_address = StringField(_l("Client address"), [Optional(), Length(max=45)],
                                 description=_l("An IP address, such as 192.0.2.10."))
    date_from = DayField(_l("From"), [Optional()], description=DAY_FORMAT_HINT)
    date_to = DayField(_l("To"), [Optional()], description=DAY_FORMAT_HINT)
    page = IntegerField(_l("Page"), [Optional(), NumberRange(min=1, max=MAX_PAGE)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = _choices(ACTIONS, _l("Any action"))
        self.object_type.choices = _choices(OBJECT_TYPES, _l("Any object"))

    def to_filter(self) -> AuditFilter | None:
        """The search, or None when a field is wrong (its error is on the field and what
        was typed stays): a search that quietly left a filter out would mislead."""
        self.validate()
        actor_id = self._actor_id()
        address = self._address()
        if self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            self.date_to.errors = [*self.date_to.errors,
                                   str(_l("The period ends before it starts."))]
        if any(field.errors for field in self):
            return None
        return AuditFilter(
            actor_id=actor_id, action=self.action.data or None,
            object_type=self.object_type.data or None, object_id=self.object_id.data,
            client_address=address,
            since=_oslo_midnight(self.date_from.data) if self.date_from.data else None,
            until=(_oslo_midnight(self.date_to.data + timedelta(days=1))
                   if self.date_to.data else None))

    def _actor_id(self) -> int | None:
        typed = (self.user.data or "").strip()
        if not typed or self.user.errors:
            return None
        found = user_id_by_name(typed)
        if found is None:
            self.user.errors = [*self.user.errors, str(_l("No user has this user name."))]
        return found

    def _address(self) -> str | None:
        typed = (self.client_address.data or "").strip()
        if not typed or self.client_address.errors:
            return None
        try:
            # As the app writes it: 2001:DB8:0::1 is stored as 2001:db8::1.
            return ipaddress.ip_address(typed).compressed
        except ValueError:
            self.client_address.errors = [*self.client_address.errors, str(_l(
                "Write an IP address, such as 192.0.2.10 or 2001:db8::1."))]
            return None


def _oslo_midnight(day: date) -> datetime:
    """The moment a day begins in Oslo: the period's days are the users' days."""
    return datetime.combine(day, time(0), tzinfo=OSLO)
