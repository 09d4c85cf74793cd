"""Administering routing rules: create, change, deactivate, reactivate, and test a draft.

Nothing here deletes: cases point at the rule that routed them (``routing_rule_id``).
A rule is refused when it could never route or would route somewhere wrong: a target
unit that is inactive or of another organisation, keys from another health community or
inactive, a category the transition's phase does not offer, or exactly the keys of
another active rule of the organisation (which of the two would win is then an accident).
Every function takes the acting user, checks that they are an administrator, flushes and
never commits; ``preview_rule`` changes nothing at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from avvik.audit.services import audit_setting
from avvik.catalog.models import Agreement, Category, Transition
from avvik.core.errors import ValidationFailed
from avvik.core.permissions import require_admin
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.routing.models import RoutingRule
from avvik.routing.preview import DraftRule, RoutingPreview, preview

log = logging.getLogger(__name__)

Errors = list[tuple[str, str]]


@dataclass(frozen=True)
class RuleValues:
    """What an administrator types for a rule; None keys match anything."""

    name: str
    target_unit_id: int | None
    agreement_id: int | None = None
    transition_id: int | None = None
    category_id: int | None = None


def _catalog_row(errors: Errors, field: str, model: type, row_id: int | None,
                 community_id: int) -> Any:
    """The chosen agreement, transition or category, or None with an error on ``field``."""
    if row_id is None:
        return None
    row = db.session.get(model, row_id)
    community = None if row is None else (
        row.phase.health_community_id if isinstance(row, Transition)
        else row.health_community_id)
    if row is None or community != community_id:
        errors.append((field, str(_l("Choose one of the receiving organisation's health "
                                     "community."))))
    elif not row.is_active or (isinstance(row, Transition) and not row.phase.is_active):
        errors.append((field, str(_l("This entry is inactive. Choose an active one, or "
                                     "reactivate it first."))))
    else:
        return row
    return None


def _check(organization: Organization, values: RuleValues, exclude_id: int | None,
           is_active: bool) -> None:
    errors: Errors = []
    if not values.name.strip():
        errors.append(("name", str(_l("Give the rule a name."))))
    unit = db.session.get(Unit, values.target_unit_id) if values.target_unit_id else None
    if unit is None:
        errors.append(("target_unit_id", str(_l("Choose the unit that gets the cases."))))
    elif unit.organization_id != organization.id:
        errors.append(("target_unit_id", str(_l(
            "This unit belongs to another organisation. Choose a unit of %(name)s.",
            name=organization.name))))
    elif not unit.is_active:
        errors.append(("target_unit_id", str(_l(
            "This unit is deactivated. Choose an active unit."))))
    community_id = organization.health_community_id
    _catalog_row(errors, "agreement_id", Agreement, values.agreement_id, community_id)
    transition = _catalog_row(errors, "transition_id", Transition, values.transition_id,
                              community_id)
    category = _catalog_row(errors, "category_id", Category, values.category_id,
                            community_id)
    if (transition is not None and category is not None and category.phase_id is not None
            and category.phase_id != transition.phase_id):
        errors.append(("category_id", str(_l(
            "This category is not offered in the transition's phase (%(phase)s).",
            phase=transition.phase.code))))
    if is_active and not errors and (twin := _same_keys(organization, values, exclude_id)):
        errors.append(("agreement_id", str(_l(
            "The active rule “%(name)s” has exactly these keys already: change the keys, "
            "or change or deactivate that rule.", name=twin.name))))
    if errors:
        raise ValidationFailed(errors)


def _same_keys(organization: Organization, values: RuleValues,
               exclude_id: int | None) -> RoutingRule | None:
    query = db.select(RoutingRule).where(
        RoutingRule.receiving_organization_id == organization.id, RoutingRule.is_active,
        RoutingRule.id != (exclude_id or -1))
    for column, value in ((RoutingRule.agreement_id, values.agreement_id),
                          (RoutingRule.transition_id, values.transition_id),
                          (RoutingRule.category_id, values.category_id)):
        query = query.where(column.is_(None) if value is None else column == value)
    with db.session.no_autoflush:
        return db.session.scalars(query.order_by(RoutingRule.id).limit(1)).first()


def _apply(rule: RoutingRule, values: RuleValues) -> None:
    rule.name = values.name.strip()
    rule.target_unit_id = values.target_unit_id  # type: ignore[assignment]  # checked
    rule.agreement_id = values.agreement_id
    rule.transition_id = values.transition_id
    rule.category_id = values.category_id


def create_rule(actor: Any, organization: Organization, values: RuleValues) -> RoutingRule:
    """Add an active rule for cases received by ``organization``."""
    require_admin(actor)
    _check(organization, values, None, is_active=True)
    rule = RoutingRule(receiving_organization_id=organization.id, is_active=True)
    _apply(rule, values)
    db.session.add(rule)
    db.session.flush()
    audit_setting(actor, "routing_rule", "created", rule)
    log.info("routing rule %s created by user %s", rule.id, actor.id)
    return rule


def update_rule(actor: Any, rule: RoutingRule, values: RuleValues) -> RoutingRule:
    """Change a rule; cases routed before keep the rule (and unit) they were routed by."""
    require_admin(actor)
    _check(rule.receiving_organization, values, rule.id, is_active=rule.is_active)
    _apply(rule, values)
    audit_setting(actor, "routing_rule", "updated", rule)
    db.session.flush()
    log.info("routing rule %s changed by user %s", rule.id, actor.id)
    return rule


def deactivate_rule(actor: Any, rule: RoutingRule) -> None:
    """Stop routing by ``rule``; cases it routed keep pointing at it."""
    require_admin(actor)
    rule.is_active = False
    db.session.flush()
    audit_setting(actor, "routing_rule", "deactivated", rule)
    log.info("routing rule %s deactivated by user %s", rule.id, actor.id)


def reactivate_rule(actor: Any, rule: RoutingRule) -> None:
    """Route by ``rule`` again, if it still passes every check a new rule must pass."""
    require_admin(actor)
    _check(rule.receiving_organization, _values_of(rule), rule.id, is_active=True)
    rule.is_active = True
    db.session.flush()
    audit_setting(actor, "routing_rule", "reactivated", rule)
    log.info("routing rule %s reactivated by user %s", rule.id, actor.id)


def _values_of(rule: RoutingRule) -> RuleValues:
    return RuleValues(rule.name, rule.target_unit_id, rule.agreement_id, rule.transition_id,
                      rule.category_id)


def preview_rule(actor: Any, organization: Organization, values: RuleValues,
                 sample: dict[str, int | None], rule: RoutingRule | None = None
                 ) -> RoutingPreview:
    """Which rule would route a case with the ``sample``'s agreement, transition and
    category if ``values`` were saved (as a new rule, or as ``rule``). Saves nothing.

    The draft must pass the checks saving would make: a rule that cannot be saved
    cannot route anything. Raises ValidationFailed on the rule's or the sample's fields.
    """
    require_admin(actor)
    is_active = rule is None or rule.is_active
    errors: Errors = []
    try:
        _check(organization, values, rule.id if rule else None, is_active=is_active)
    except ValidationFailed as error:
        errors += error.errors
    errors += _check_sample(organization, sample)
    if errors:
        raise ValidationFailed(errors)
    draft = DraftRule(rule.id if rule else None, values.name.strip(), values.agreement_id,
                      values.transition_id, values.category_id,
                      db.session.get(Unit, values.target_unit_id), is_active)
    return preview(organization, draft, sample["agreement_id"], sample["transition_id"],
                   sample["category_id"])


def _check_sample(organization: Organization, sample: dict[str, int | None]) -> Errors:
    """A sample is a case: all three chosen, from the community, the category fitting."""
    errors: Errors = []
    rows = {}
    for key, model in (("agreement_id", Agreement), ("transition_id", Transition),
                       ("category_id", Category)):
        row = db.session.get(model, sample[key]) if sample.get(key) else None
        community = None if row is None else (
            row.phase.health_community_id if isinstance(row, Transition)
            else row.health_community_id)
        if community != organization.health_community_id:
            errors.append((f"sample_{key}", str(_l("Choose a value for the sample case."))))
        rows[key] = row
    transition, category = rows["transition_id"], rows["category_id"]
    if (not errors and category.phase_id is not None
            and category.phase_id != transition.phase_id):
        errors.append(("sample_category_id", str(_l(
            "A case cannot have this category in the transition's phase (%(phase)s).",
            phase=transition.phase.code))))
    return errors
