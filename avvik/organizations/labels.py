"""Translated display names of the kinds of organisation, for forms and templates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from avvik.organizations.models import OrganizationKind

ORGANIZATION_KIND_LABELS = {
    OrganizationKind.HOSPITAL_TRUST: _l("Hospital trust"),
    OrganizationKind.MUNICIPALITY: _l("Municipality"),
    OrganizationKind.PRIVATE_INSTITUTION: _l("Private institution"),
    OrganizationKind.GP_OFFICE: _l("GP office"),
}


def organization_kind_label(kind: OrganizationKind | str) -> str:
    return str(ORGANIZATION_KIND_LABELS.get(OrganizationKind(kind), kind))
