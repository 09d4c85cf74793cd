"""The base form: every form of the app derives from ``AppForm``."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from avvik.core.errors import ValidationFailed


class AppForm(FlaskForm):
    """A FlaskForm that knows about a failed CSRF check and about service errors."""

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
