"""Sign-in and profile forms. The autocomplete hints let password managers fill them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from avvik.auth.passwords import MIN_PASSWORD_LENGTH
from avvik.core.forms import AppForm

#: Hashing is cheap per byte, but there is no reason to accept a novel as a password.
MAX_PASSWORD_LENGTH = 1000


class LoginForm(AppForm):
    username = StringField(
        _l("User name"), validators=[DataRequired(), Length(max=80)],
        render_kw={"autocomplete": "username", "autocapitalize": "none",
                   "autocorrect": "off", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    #: Where to go after signing in; only a path on this site is followed.
    next = HiddenField()


class LanguageForm(AppForm):
    locale = SelectField(_l("Language"), choices=[SelectChoice("nb", "Norsk (bokmål)"),
                                                        SelectChoice("en", "English")],
                         validators=[DataRequired()])


class ChangePasswordForm(AppForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH},
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password",
                                            message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


#: An authenticator app's code ("123 456") or a recovery code ("abcde-fghjk").
_CODE_FIELD = {"autocomplete": "one-time-code", "autocapitalize": "none",
               "autocorrect": "off", "spellcheck": "false"}


class CodeForm(AppForm):
    """The sign-in's second step: a code from the app, or a recovery code."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       render_kw=_CODE_FIELD)


class ConfirmCodesForm(AppForm):
    """Turning codes on: the first code from the newly set-up app."""

    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(max=40)],
                       render_kw={**_CODE_FIELD, "inputmode": "numeric"})


class TurnOffCodesForm(AppForm):
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(_l("Code from the app, or a recovery code"),
                       validators=[DataRequired(), Length(max=40)], render_kw=_CODE_FIELD)
