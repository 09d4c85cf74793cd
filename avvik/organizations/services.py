"""Health communities, organisations and units: create, edit, deactivate, reactivate.

Nothing a case can point at is deleted: it is deactivated (``is_active=False``). Every
function takes the acting administrator, checks its rules before it changes anything,
flushes, and never commits.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from stdnum.exceptions import ValidationError as NumberInvalid
from stdnum.no import orgnr

from avvik.audit.services import audit_setting
from avvik.core.errors import NotFound, ValidationFailed
from avvik.core.permissions import require_admin
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity, Organization, OrganizationKind, Unit
from avvik.users.models import Membership, Role, User
from avvik.users.services import add_membership, remove_membership, unique_or_fail


def clean_name(name: str | None) -> str:
    """Trim and collapse the blanks, so "Bergen  kommune " and "Bergen kommune" clash."""
    return " ".join((name or "").split())


def _name_required(name: str) -> list[tuple[str, str]]:
    return [] if name else [("name", str(_l("Write a name.")))]


# -- Health communities ------------------------------------------------------------------

def _community_errors(name: str, *, exclude_id: int | None) -> list[tuple[str, str]]:
    query = db.select(HealthCommunity.id).where(
        func.lower(HealthCommunity.name) == name.lower())
    if exclude_id is not None:
        query = query.where(HealthCommunity.id != exclude_id)
    if name and db.session.scalar(query.limit(1)) is not None:
        return [("name", str(_l("A health community named %(name)s exists.", name=name)))]
    return _name_required(name)


#: A community's deadline settings and their allowed ranges. All are working days except
#: the retention, which is calendar days; the defaults are the columns' (domain.md §4-5).
COMMUNITY_SETTINGS = {
    "reminder_days_before": (0, 30),
    "escalation_level2_days": (1, 60),
    "escalation_level3_days": (2, 120),
    "identity_retention_days": (1, 365),
    # Serious events' deadlines (avvik/reports/serious.py), in working days.
    "serious_acknowledge_days": (1, 10),
    "serious_answer_days": (1, 30),
}


def _current(community: HealthCommunity | None, field: str) -> int:
    """The community's value, or for a new one the column's default."""
    if community is not None:
        return getattr(community, field)
    return HealthCommunity.__table__.c[field].default.arg


def _settings_errors(community: HealthCommunity | None, settings: dict[str, int | None]
                     ) -> list[tuple[str, str]]:
    if unknown := set(settings) - set(COMMUNITY_SETTINGS):
        raise TypeError(f"unknown health community settings: {sorted(unknown)}")
    errors = [(field, str(_l("Write a whole number from %(low)d to %(high)d.", low=low,
                                high=high)))
              for field, (low, high) in COMMUNITY_SETTINGS.items()
              if field in settings and not (settings[field] is not None
                                            and low <= settings[field] <= high)]
    level2, level3 = (settings.get(field, _current(community, field))
                      for field in ("escalation_level2_days", "escalation_level3_days"))
    if not errors and level3 <= level2:
        errors.append(("escalation_level3_days", str(_l(
            "Level 3 must come later than level 2 (more than %(days)d days).", days=level2))))
    return errors


def _committee_name_errors(committee_name: str | None) -> list[tuple[str, str]]:
    if committee_name is not None and not committee_name:
        return [("committee_name", str(_l("Write the joint committee's name.")))]
    return []


def create_health_community(actor: User, *, name: str, committee_name: str | None = None,
                            **settings: int | None) -> HealthCommunity:
    """Create a health community (one hospital trust and its partners); ``settings`` are
    the deadlines of ``COMMUNITY_SETTINGS``, each left out taking its default; the joint
    committee's name (LSU, SSU, OSU, ...) left out takes the column's default."""
    require_admin(actor)
    name = clean_name(name)
    committee_name = clean_name(committee_name) if committee_name is not None else None
    if errors := (_community_errors(name, exclude_id=None) + _settings_errors(None, settings)
                  + _committee_name_errors(committee_name)):
        raise ValidationFailed(errors)
    if committee_name is not None:
        settings["committee_name"] = committee_name  # type: ignore[assignment]
    with unique_or_fail([("name", str(_l("The name is taken.")))]):
        community = HealthCommunity(name=name, **settings)
        db.session.add(community)
    audit_setting(actor, "health_community", "created", community)
    return community


def update_health_community(actor: User, community: HealthCommunity, *, name: str,
                            committee_name: str | None = None,
                            **settings: int | None) -> None:
    """Rename a health community (or its joint committee) and change its deadlines."""
    require_admin(actor)
    name = clean_name(name)
    committee_name = clean_name(committee_name) if committee_name is not None else None
    if errors := (_community_errors(name, exclude_id=community.id)
                  + _settings_errors(community, settings)
                  + _committee_name_errors(committee_name)):
        raise ValidationFailed(errors)
    with unique_or_fail([("name", str(_l("The name is taken.")))]):
        community.name = name
        if committee_name is not None:
            community.committee_name = committee_name
        for field, value in settings.items():
            setattr(community, field, value)
        # The deadlines and the committee's name are settings: each change is audited.
        audit_setting(actor, "health_community", "updated", community)


def deactivate_health_community(actor: User, community: HealthCommunity) -> None:
    """Deactivate a community; refused while it has active organisations."""
    require_admin(actor)
    if any(org.is_active for org in community.organizations):
        raise ValidationFailed([("", str(_l(
            "%(name)s still has active organisations. Deactivate them first.",
            name=community.name)))])
    community.is_active = False
    db.session.flush()
    audit_setting(actor, "health_community", "deactivated", community)


def reactivate_health_community(actor: User, community: HealthCommunity) -> None:
    require_admin(actor)
    community.is_active = True
    db.session.flush()
    audit_setting(actor, "health_community", "reactivated", community)


# -- Organisations -----------------------------------------------------------------------

def _organization_values(organization: Organization | None, *, name: str, kind: str | None,
                         health_community_id: int | None, org_number: str | None
                         ) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """Normalise and check what create and update share; return values and errors."""
    errors = _name_required(name := clean_name(name))
    if kind not in {k.value for k in OrganizationKind}:
        errors.append(("kind", str(_l("Choose a kind."))))
    community = db.session.get(HealthCommunity, health_community_id) \
        if health_community_id is not None else None
    unchanged = organization is not None and community is organization.health_community
    if community is None:
        errors.append(("health_community_id", str(_l("Choose a health community."))))
    elif not community.is_active and not unchanged:
        errors.append(("health_community_id",
                       str(_l("%(name)s is deactivated.", name=community.name))))
    number = orgnr.compact(org_number or "") or None
    if number is not None:
        try:
            orgnr.validate(number)
        except NumberInvalid:
            errors.append(("org_number", str(_l(
                "Not a valid organisation number: 9 digits with a correct check digit."))))
            number = None
    exclude = organization.id if organization else None
    if number and (other := _organization_by(Organization.org_number == number, exclude)):
        errors.append(("org_number", str(_l("%(name)s has this organisation number.",
                                            name=other.name))))
    if name and community and _organization_by(
            (Organization.health_community_id == community.id)
            & (func.lower(Organization.name) == name.lower()), exclude):
        errors.append(("name", str(_l("%(community)s already has an organisation named "
                                      "%(name)s.", community=community.name, name=name))))
    values = {"name": name, "kind": None if errors else OrganizationKind(kind),
              "health_community": community, "org_number": number}
    return values, errors


def _organization_by(condition: object, exclude_id: int | None) -> Organization | None:
    query = db.select(Organization).where(condition)
    if exclude_id is not None:
        query = query.where(Organization.id != exclude_id)
    return db.session.scalar(query.limit(1))


_DUPLICATE_ORGANIZATION = _l("An organisation with this name or number exists already.")


def create_organization(actor: User, *, name: str, kind: str | None,
                        health_community_id: int | None, org_number: str | None = None,
                        is_approval_required: bool = False,
                        is_patient_identity_wanted: bool = False) -> Organization:
    """Create an organisation; the organisation number is optional but checked if given."""
    require_admin(actor)
    values, errors = _organization_values(None, name=name, kind=kind,
                                          health_community_id=health_community_id,
                                          org_number=org_number)
    if errors:
        raise ValidationFailed(errors)
    with unique_or_fail([("name", str(_DUPLICATE_ORGANIZATION))]):
        organization = Organization(
            **values, is_approval_required=bool(is_approval_required),
            is_patient_identity_wanted=bool(is_patient_identity_wanted))
        db.session.add(organization)
    audit_setting(actor, "organization", "created", organization)
    return organization


def update_organization(actor: User, organization: Organization, *, name: str,
                        kind: str | None, health_community_id: int | None,
                        org_number: str | None = None, is_approval_required: bool = False,
                        is_patient_identity_wanted: bool = False) -> None:
    """Edit an organisation's name, kind, community, number and settings."""
    require_admin(actor)
    values, errors = _organization_values(organization, name=name, kind=kind,
                                          health_community_id=health_community_id,
                                          org_number=org_number)
    if errors:
        raise ValidationFailed(errors)
    with unique_or_fail([("name", str(_DUPLICATE_ORGANIZATION))]):
        for field, value in values.items():
            setattr(organization, field, value)
        organization.is_approval_required = bool(is_approval_required)
        organization.is_patient_identity_wanted = bool(is_patient_identity_wanted)
        audit_setting(actor, "organization", "updated", organization)


def deactivate_organization(actor: User, organization: Organization) -> None:
    """Deactivate an organisation. Its units keep their own flag, so reactivating brings
    the tree back as it was; queries offer only units of active organisations."""
    require_admin(actor)
    organization.is_active = False
    db.session.flush()
    audit_setting(actor, "organization", "deactivated", organization)


def reactivate_organization(actor: User, organization: Organization) -> None:
    """Reactivate an organisation; its health community must be active."""
    require_admin(actor)
    if not organization.health_community.is_active:
        raise ValidationFailed([("", str(_l(
            "Reactivate the health community %(name)s first.",
            name=organization.health_community.name)))])
    organization.is_active = True
    db.session.flush()
    audit_setting(actor, "organization", "reactivated", organization)


# -- Units and their leaders -------------------------------------------------------------

def _unit_values(organization: Organization, unit: Unit | None, *, name: str,
                 parent_id: int | None) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """Check a unit's name and place in the tree: same organisation, no cycle, unique
    among its siblings (the database cannot see two top units with one name: NULL parent)."""
    errors = _name_required(name := clean_name(name))
    parent = db.session.get(Unit, parent_id) if parent_id is not None else None
    current_parent = unit.parent if unit is not None else None
    if parent_id is not None and parent is None:
        errors.append(("parent_id", str(_l("The chosen parent unit does not exist."))))
    elif parent is not None and parent.organization_id != organization.id:
        errors.append(("parent_id", str(_l(
            "The parent unit must belong to %(name)s.", name=organization.name))))
    elif parent is not None and unit is not None and (
            parent is unit or unit in parent.ancestors()):
        errors.append(("parent_id", str(_l(
            "A unit cannot be placed under itself or under one of its own sub-units."))))
    elif parent is not None and not parent.is_active and parent is not current_parent:
        errors.append(("parent_id", str(_l("%(name)s is deactivated.", name=parent.name))))
    siblings = db.select(Unit.id).where(
        Unit.organization_id == organization.id,
        Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id,
        func.lower(Unit.name) == name.lower())
    if unit is not None:
        siblings = siblings.where(Unit.id != unit.id)
    if name and not errors and db.session.scalar(siblings.limit(1)) is not None:
        errors.append(("name", str(_l("There is already a unit named %(name)s at this "
                                      "place in the tree.", name=name))))
    return {"name": name, "parent": parent}, errors


_DUPLICATE_UNIT = _l("There is already a unit with this name at this place in the tree.")


def create_unit(actor: User, organization: Organization, *, name: str,
                parent_id: int | None = None) -> Unit:
    """Create a unit in ``organization``, at the top or under ``parent_id``."""
    require_admin(actor)
    if not organization.is_active:
        raise ValidationFailed([("", str(_l("%(name)s is deactivated.",
                                            name=organization.name)))])
    values, errors = _unit_values(organization, None, name=name, parent_id=parent_id)
    if errors:
        raise ValidationFailed(errors)
    with unique_or_fail([("name", str(_DUPLICATE_UNIT))]):
        unit = Unit(organization=organization, **values)
        db.session.add(unit)
    audit_setting(actor, "unit", "created", unit, organization_id=organization.id)
    return unit


def update_unit(actor: User, unit: Unit, *, name: str, parent_id: int | None = None) -> None:
    """Rename a unit or move it (with its sub-units) elsewhere in its organisation."""
    require_admin(actor)
    values, errors = _unit_values(unit.organization, unit, name=name, parent_id=parent_id)
    if errors:
        raise ValidationFailed(errors)
    with unique_or_fail([("name", str(_DUPLICATE_UNIT))]):
        for field, value in values.items():
            setattr(unit, field, value)
        audit_setting(actor, "unit", "updated", unit)


def deactivate_unit(actor: User, unit: Unit) -> None:
    """Deactivate a unit; refused while it has active sub-units, which would be cut off
    from the escalation ladder."""
    require_admin(actor)
    active_children = [child.name for child in unit.children if child.is_active]
    if active_children:
        raise ValidationFailed([("", str(_l(
            "%(name)s still has active sub-units (%(children)s). Deactivate or move them "
            "first.", name=unit.name, children=", ".join(sorted(active_children)))))])
    unit.is_active = False
    db.session.flush()
    audit_setting(actor, "unit", "deactivated", unit)


def reactivate_unit(actor: User, unit: Unit) -> None:
    """Reactivate a unit; its organisation and parent unit must be active."""
    require_admin(actor)
    if not unit.organization.is_active:
        raise ValidationFailed([("", str(_l("Reactivate %(name)s first.",
                                            name=unit.organization.name)))])
    if unit.parent is not None and not unit.parent.is_active:
        raise ValidationFailed([("", str(_l("Reactivate the parent unit %(name)s first.",
                                            name=unit.parent.name)))])
    unit.is_active = True
    db.session.flush()
    audit_setting(actor, "unit", "reactivated", unit)


def add_leader(actor: User, unit: Unit, *, username: str) -> Membership:
    """Make the active user ``username`` a leader of ``unit``."""
    require_admin(actor)
    if not (username := (username or "").strip().lower()):
        raise ValidationFailed([("username", str(_l("Write the new leader's user name.")))])
    user = db.session.scalar(db.select(User).where(
        func.lower(User.username) == username, User.is_active))
    if user is None:
        raise ValidationFailed([("username", str(_l("No active user has this user name.")))])
    try:
        return add_membership(actor, user, unit_id=unit.id, role=Role.LEADER.value)
    except ValidationFailed as error:
        # The leader form has one field; every reason belongs on it.
        raise ValidationFailed([("username", reason) for _, reason in error.errors]) from None


def remove_leader(actor: User, unit: Unit, membership: Membership) -> None:
    """Take the leader role in ``unit`` away; other roles of the person stay."""
    require_admin(actor)
    if membership.unit_id != unit.id or membership.role is not Role.LEADER:
        raise NotFound()
    remove_membership(actor, membership)
