"""Translated display names for the enums that templates show."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from avvik.organizations.models import OrganizationKind
from avvik.users.models import Role

ROLE_LABELS = {
    Role.REPORTER: _l("Reporter"),
    Role.HANDLER: _l("Case handler"),
    Role.LEADER: _l("Leader"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.QUALITY_ADVISER: _l("Quality adviser"),
    Role.SECRETARIAT: _l("Joint committee secretariat"),
}

ORGANIZATION_KIND_LABELS = {
    OrganizationKind.HOSPITAL_TRUST: _l("Hospital trust"),
    OrganizationKind.MUNICIPALITY: _l("Municipality"),
    OrganizationKind.PRIVATE_INSTITUTION: _l("Private institution"),
    OrganizationKind.GP_OFFICE: _l("GP office"),
}


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS.get(Role(role), role))


def organization_kind_label(kind: OrganizationKind | str) -> str:
    return str(ORGANIZATION_KIND_LABELS.get(OrganizationKind(kind), kind))
