"""Translated display names of the roles, for forms, messages and templates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from avvik.users.models import Role

ROLE_LABELS = {
    Role.REPORTER: _l("Reporter"),
    Role.HANDLER: _l("Case handler"),
    Role.LEADER: _l("Leader"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.QUALITY_ADVISER: _l("Quality adviser"),
    Role.SECRETARIAT: _l("Joint committee secretariat"),
}


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS.get(Role(role), role))
