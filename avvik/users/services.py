"""Users and memberships: create, edit, deactivate, reactivate; grant and remove roles.

Users are never deleted, since cases point at them; a deactivated user cannot sign in
(the login layer checks ``is_active``). Memberships may be removed. Every function takes
the acting administrator, flushes, and never commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from avvik.audit.services import audit, changed_fields
from avvik.auth.access import PASSWORD_RESET, end_access_after_new_password
from avvik.auth.passwords import hash_password, password_problems, unusable_password_hash
from avvik.core.errors import ValidationFailed
from avvik.core.permissions import require_admin
from avvik.extensions import db
from avvik.organizations.models import Unit
from avvik.users.labels import role_label
from avvik.users.models import Membership, Role, User

#: Lower-case letters, digits and . _ @ - ; user names are stored lower-cased.
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{1,79}")
#: An identifier at the sign-in service: printable, no spaces (claims hold none).
EXTERNAL_ID_PATTERN = re.compile(r"[!-~]{1,200}")
LOCALES = ("nb", "en")


@contextmanager
def unique_or_fail(errors: list[tuple[str, str]]) -> Iterator[None]:
    """Apply changes in a SAVEPOINT; a unique constraint that the checks before missed
    (another administrator saving at the same moment) becomes a form error, not a 500.

    Make new objects inside the block: one linked to a row in the session before the
    SAVEPOINT opens would be flushed outside it (or, unadded, warned about).
    """
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as error:
        raise ValidationFailed(errors) from error


def _user_fields(user: User | None, *, username: str, full_name: str, email: str,
                 locale: str | None, external_id: str | None
                 ) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """Normalise and check the fields shared by create and update."""
    errors: list[tuple[str, str]] = []
    username = (username or "").strip().lower()
    if not USERNAME_PATTERN.fullmatch(username):
        errors.append(("username", str(_l(
            "Use 2 to 80 lower-case letters, digits or the signs . _ @ - "
            "(starting with a letter or digit)."))))
    elif _username_taken(username, exclude_id=user.id if user else None):
        errors.append(("username", str(_l("The user name %(name)s is taken.", name=username))))
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors.append(("full_name", str(_l("Write the person's full name."))))
    try:
        email = validate_email((email or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        errors.append(("email", str(_l("Write a valid e-mail address, such as "
                                       "kari.nordmann@kommune.no."))))
    if locale not in (None, "", *LOCALES):
        errors.append(("locale", str(_l("Choose a language from the list."))))
    external_id = (external_id or "").strip() or None
    if external_id is not None:
        errors += _external_id_errors(external_id, exclude_id=user.id if user else None)
    values = {"username": username, "full_name": full_name, "email": email,
              "locale": locale or None, "external_id": external_id}
    return values, errors


def _external_id_errors(external_id: str, *, exclude_id: int | None) -> list[tuple[str, str]]:
    if not EXTERNAL_ID_PATTERN.fullmatch(external_id):
        return [("external_id", str(_l("Write the identifier exactly as the sign-in service "
                                       "gives it: at most 200 characters, no spaces.")))]
    query = db.select(User.id).where(User.external_id == external_id)
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    if db.session.scalar(query.limit(1)) is not None:
        return [("external_id", str(_l("Another user has this identifier.")))]
    return []


def _username_taken(username: str, *, exclude_id: int | None) -> bool:
    query = db.select(User.id).where(func.lower(User.username) == username)
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def _password_errors(password: str, username: str) -> list[tuple[str, str]]:
    return [("password", problem) for problem in password_problems(password,
                                                                   username=username)]


def create_user(actor: User, *, username: str, full_name: str, email: str,
                locale: str | None, is_admin: bool, password: str,
                external_id: str | None = None) -> User:
    """Create a user with an initial password the administrator hands over.

    While password sign-in is off (AVVIK_PASSWORD_SIGNIN) the password may be left out:
    the person signs in through single sign-on only.
    """
    require_admin(actor)
    values, errors = _user_fields(None, username=username, full_name=full_name,
                                  email=email, locale=locale, external_id=external_id)
    if password or current_app.config["PASSWORD_SIGNIN"]:
        errors += _password_errors(password or "", str(values["username"]))
    if errors:
        raise ValidationFailed(errors)
    password_hash = hash_password(password) if password else unusable_password_hash()
    user = User(**values, is_admin=bool(is_admin), password_hash=password_hash)
    with unique_or_fail([("username", str(_l("The user name is taken.")))]):
        db.session.add(user)
    audit("user.created", "user", user.id, actor=actor,
          detail={"username": user.username, "is_admin": user.is_admin})
    return user


def update_user(actor: User, user: User, *, username: str, full_name: str, email: str,
                locale: str | None, is_admin: bool, password: str | None = None,
                external_id: str | None = None) -> None:
    """Edit a user; a non-empty ``password`` replaces the old one and ends the user's
    access: every session (but the actor's own) and every API token."""
    require_admin(actor)
    values, errors = _user_fields(user, username=username, full_name=full_name,
                                  email=email, locale=locale, external_id=external_id)
    if password:
        errors += _password_errors(password, str(values["username"]))
    if user.id == actor.id and not is_admin:
        # Otherwise the last administrator could lock everyone out of administration.
        errors.append(("is_admin", str(_l("You cannot take away your own administrator "
                                          "rights. Ask another administrator."))))
    if errors:
        raise ValidationFailed(errors)
    was = {"username": user.username, "is_admin": user.is_admin}
    with unique_or_fail([("username", str(_l("The user name is taken.")))]):
        for name, value in values.items():
            setattr(user, name, value)
        user.is_admin = bool(is_admin)
        changed = [name for name in changed_fields(user) if name != "password_hash"]
        if password:
            user.password_hash = hash_password(password)
    if changed:
        # Names of the fields, and the old and new values only of who and what rights.
        detail: dict[str, object] = {"changed": changed}
        detail.update({name: [was[name], getattr(user, name)] for name in was
                       if name in changed})
        audit("user.updated", "user", user.id, actor=actor, detail=detail)
    if password:
        end_access_after_new_password(
            user, actor=actor, action=PASSWORD_RESET,
            keep_token=actor.session_token if user.id == actor.id else None)


def deactivate_user(actor: User, user: User) -> None:
    """Stop a user from signing in; open sessions end at their next request."""
    require_admin(actor)
    if user.id == actor.id:
        raise ValidationFailed([("", str(_l("You cannot deactivate yourself.")))])
    if user.is_active:
        audit("user.deactivated", "user", user.id, actor=actor)
    user.is_active = False
    db.session.flush()


def reactivate_user(actor: User, user: User) -> None:
    require_admin(actor)
    if not user.is_active:
        audit("user.reactivated", "user", user.id, actor=actor)
    user.is_active = True
    db.session.flush()


def add_membership(actor: User, user: User, *, unit_id: int | None,
                   role: str | None) -> Membership:
    """Give ``user`` a role in an active unit; holding the same role twice is refused."""
    require_admin(actor)
    errors: list[tuple[str, str]] = []
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        errors.append(("unit_id", str(_l("Choose a unit."))))
    elif not (unit.is_active and unit.organization.is_active):
        errors.append(("unit_id", str(_l("%(unit)s is deactivated.", unit=unit.name))))
    if role not in {r.value for r in Role}:
        errors.append(("role", str(_l("Choose a role."))))
    if errors:
        raise ValidationFailed(errors)
    role = Role(role)
    duplicate = [("role", str(_l("%(user)s is already %(role)s in %(unit)s.",
                                 user=user.full_name, role=role_label(role).lower(),
                                 unit=unit.name)))]
    if role in user.roles_in(unit.id):
        raise ValidationFailed(duplicate)
    with unique_or_fail(duplicate):
        membership = Membership(user=user, unit=unit, role=role)
        db.session.add(membership)
    _audit_membership("membership.added", actor, membership)
    return membership


def remove_membership(actor: User, membership: Membership) -> None:
    """Take a role away. Memberships are not referenced by cases, so they are deleted."""
    require_admin(actor)
    _audit_membership("membership.removed", actor, membership)
    membership.user.memberships.remove(membership)
    db.session.flush()


def _audit_membership(action: str, actor: User, membership: Membership) -> None:
    # Filed under the user whose rights changed: a search for them finds it.
    audit(action, "user", membership.user_id, actor=actor,
          detail={"role": membership.role.value, "unit_id": membership.unit_id,
                  "membership_id": membership.id})
