"""Every action the audit trail records, with the words the administrator's page shows.

``audit()`` refuses a name that is not here, so a slip in a name fails at once instead of
writing entries no search finds. An action is ``<object type>.<what happened>``.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

#: What a sign-in was refused for; an attempted name nobody has is "unknown_user".
SIGN_IN_REFUSALS = ("wrong_password", "unknown_user", "inactive_user", "throttled")

#: Settings an administrator (or the committee's secretariat) keeps, and their words.
SETTINGS: dict[str, LazyString] = {
    "health_community": _l("Health community"),
    "organization": _l("Organisation"),
    "unit": _l("Unit"),
    "agreement": _l("Agreement"),
    "phase": _l("Phase"),
    "transition": _l("Transition"),
    "category": _l("Category"),
    "routing_rule": _l("Routing rule"),
}
SETTING_CHANGES: dict[str, LazyString] = {
    "created": _l("created"),
    "updated": _l("changed"),
    "deactivated": _l("deactivated"),
    "reactivated": _l("reactivated"),
}

ACTIONS: dict[str, LazyString] = {
    "auth.signed_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Sign-in refused"),
    "auth.signed_out": _l("Signed out"),
    "sso.unknown_person": _l("Single sign-on refused: unknown person"),
    "sso.deactivated_user": _l("Single sign-on refused: deactivated user"),
    "user.created": _l("User created"),
    "user.updated": _l("User changed"),
    "user.deactivated": _l("User deactivated"),
    "user.reactivated": _l("User reactivated"),
    "user.password_changed": _l("Own password changed"),
    "user.password_change_refused": _l("Password change refused"),
    "user.password_reset": _l("Password reset by an administrator"),
    "user.totp_enabled": _l("One-time codes turned on"),
    "user.totp_disabled": _l("One-time codes turned off"),
    "user.totp_removed_by_admin": _l("One-time codes removed by an administrator"),
    "membership.added": _l("Role given"),
    "membership.removed": _l("Role taken away"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "service_token.issued": _l("Service token issued"),
    "service_token.revoked": _l("Service token revoked"),
    "webhook.registered": _l("Webhook registered"),
    "webhook.removed": _l("Webhook removed"),
    "report.read": _l("Case read"),
    "identity.viewed": _l("Patient identity viewed"),
    "identity.deleted": _l("Patient identity deleted"),
    "identity.rotated": _l("Identity key rotated"),
    "cases.exported": _l("Case list exported"),
    "stats.exported": _l("Statistics exported"),
    "agenda.read": _l("Committee agenda read"),
    "agenda.exported": _l("Committee agenda saved as a file"),
    "meeting.created": _l("Committee meeting added"),
    "audit.exported": _l("Audit trail exported"),
}
ACTIONS.update({
    f"{kind}.{change}": _l("%(what)s %(change)s", what=what, change=changed)
    for kind, what in SETTINGS.items() for change, changed in SETTING_CHANGES.items()
})

#: The kinds of object entries are about, for the search form.
OBJECT_TYPES: dict[str, LazyString] = {
    "user": _l("User"),
    "api_token": _l("API token"),
    "webhook": _l("Webhook"),
    "report": _l("Case"),
    "meeting": _l("Committee meeting"),
    "agenda": _l("Committee agenda"),
    "vault": _l("Identity vault"),
    "export": _l("Export"),
    **SETTINGS,
}


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


def object_type_label(object_type: str) -> str:
    label = OBJECT_TYPES.get(object_type)
    return str(label) if label is not None else object_type
