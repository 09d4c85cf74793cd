"""The base form: every form of the app derives from ``AppForm``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, SelectChoice, StringField
from wtforms.fields.core import UnboundField

from avvik.core.errors import ValidationFailed
from avvik.core.text import clean_text_filter


class AppForm(FlaskForm):
    """A FlaskForm that knows about a failed CSRF check and about service errors, and
    removes control and direction characters from every text typed into it."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: UnboundField, options: dict[str, Any]
                       ) -> Field:
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class,
                                                                       PasswordField):
                options = {**options, "filters": [*unbound_field.kwargs.get("filters", ()),
                                                  clean_text_filter]}
            return super().bind_field(form, unbound_field, options)

    def validate_on_submit(self, extra_validators: Any = None) -> bool:
        if g.get("csrf_failed"):
            # The posted data is in the fields already; ask the user to send it again.
            self.form_errors.append(
                _l("The page had expired. Nothing was saved: check the form and send it again.")
            )
            return False
        return super().validate_on_submit(extra_validators)

    def apply_errors(self, error: ValidationFailed) -> None:
        """Put a service's ``(field, reason)`` pairs back on the form's fields."""
        for field_name, reason in error.errors:
            field = self._fields.get(field_name)
            if field is None:
                self.form_errors.append(reason)
            else:
                field.errors = [*field.errors, reason]


def select_choices(pairs: Iterable[tuple[Any, object]] = (), empty: object = None
                   ) -> list[SelectChoice]:
    """The options of a select or radio field from ``(value, label)`` pairs, after an
    empty option (value "") labelled ``empty`` when that is given."""
    options = [] if empty is None else [SelectChoice("", empty)]
    options.extend(SelectChoice(value, label) for value, label in pairs)
    return options
