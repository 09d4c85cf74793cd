"""Administering agreements, phases, transitions and categories.

Nothing here deletes: cases point at these rows, so an entry that is no longer wanted is
deactivated and drops out of what reporters can choose. Every function takes the acting
user, checks that they are an administrator, flushes and never commits.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect
from sqlalchemy.exc import IntegrityError

from avvik.audit.services import audit_setting
from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.core.errors import ValidationFailed
from avvik.core.permissions import require_admin
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity

log = logging.getLogger(__name__)

#: About one working year; a longer deadline is a typing error, not a wish.
MAX_DEADLINE_DAYS = 250
#: Sort orders are stored as SmallInteger.
MAX_SORT_ORDER = 9999
#: Helse- og omsorgstjenesteloven § 6-2 has points 1 to 11; anything else is local.
LEGAL_POINT_RANGE = range(1, 12)

T = TypeVar("T")


def _taken(model: type, value_column: str, value: str, scope: dict[str, Any],
           exclude_id: int | None) -> bool:
    """Is ``value`` already used within ``scope``? Case-blind: "5a" and "5A" are one."""
    column = getattr(model, value_column)
    query = db.select(model.id).filter_by(**scope).where(func.lower(column) == value.lower())
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    with db.session.no_autoflush:
        return db.session.execute(query.limit(1)).first() is not None


def _check_sort_order(errors: list[tuple[str, str]], sort_order: int | None) -> int:
    if sort_order is None:
        return 0
    if not 0 <= sort_order <= MAX_SORT_ORDER:
        errors.append(("sort_order", str(_l("Use a number from 0 to %(max)d.",
                                              max=MAX_SORT_ORDER))))
    return sort_order


#: The audit trail's name of each kind of row (avvik/audit/actions.py).
KINDS = {Agreement: "agreement", Phase: "phase", Transition: "transition",
         Category: "category"}


def _save(actor: Any, row: T, values: dict[str, Any], unique_field: str) -> T:
    """Set ``values`` on ``row`` and flush, all inside a savepoint; audited.

    The checks above run first; a unique constraint that a concurrent request won in
    between becomes a field error, and the savepoint leaves the row and the session as
    they were (beginning a savepoint flushes what is pending, so the changes go inside).
    """
    kind = KINDS[type(row)]
    try:
        with db.session.begin_nested():
            new = not inspect(row).has_identity
            for name, value in values.items():
                setattr(row, name, value)
            if not new:
                audit_setting(actor, kind, "updated", row)
            db.session.add(row)
            db.session.flush()
            if new:
                audit_setting(actor, kind, "created", row)
    except IntegrityError as error:
        if "unique" not in str(error.orig).lower():
            raise
        reason = (_l("This number is already in use.") if unique_field == "number"
                  else _l("This code is already in use."))
        raise ValidationFailed([(unique_field, str(reason))]) from error
    return row


def _set_active(actor: Any, row: Any, active: bool) -> None:
    require_admin(actor)
    row.is_active = active
    db.session.flush()
    audit_setting(actor, KINDS[type(row)], "reactivated" if active else "deactivated", row)
    log.info("%s %s %s by user %s", type(row).__name__, row.id,
             "reactivated" if active else "deactivated", actor.id)


# Agreements ------------------------------------------------------------------------------

def _check_agreement(community_id: int, exclude_id: int | None, number: str, title: str,
                     legal_point: int | None, acknowledge_days: int, answer_days: int
                     ) -> None:
    errors: list[tuple[str, str]] = []
    if not number:
        errors.append(("number", str(_l("Give the agreement a number."))))
    elif _taken(Agreement, "number", number, {"health_community_id": community_id},
                exclude_id):
        errors.append(("number", str(_l("This health community already has an agreement "
                                         "with number %(number)s.", number=number))))
    if not title:
        errors.append(("title", str(_l("Give the agreement a title."))))
    if legal_point is not None and legal_point not in LEGAL_POINT_RANGE:
        errors.append(("legal_point", str(_l(
            "Choose a point of § 6-2 from 1 to %(last)d, or none for a local agreement.",
            last=LEGAL_POINT_RANGE[-1]))))
    if not 0 <= acknowledge_days <= MAX_DEADLINE_DAYS:
        errors.append(("acknowledge_days", str(_l(
            "Use a number of working days from 0 to %(max)d.", max=MAX_DEADLINE_DAYS))))
    if not 1 <= answer_days <= MAX_DEADLINE_DAYS:
        errors.append(("answer_days", str(_l(
            "Use a number of working days from 1 to %(max)d.", max=MAX_DEADLINE_DAYS))))
    elif 0 <= acknowledge_days <= MAX_DEADLINE_DAYS and acknowledge_days > answer_days:
        errors.append(("acknowledge_days", str(_l(
            "The acknowledge deadline cannot be later than the answer deadline."))))
    if errors:
        raise ValidationFailed(errors)


def create_agreement(actor: Any, community: HealthCommunity, *, number: str, title: str,
                     legal_point: int | None = None, acknowledge_days: int = 2,
                     answer_days: int = 15) -> Agreement:
    """Add an agreement to ``community``; the number is unique within the community."""
    require_admin(actor)
    _check_agreement(community.id, None, number, title, legal_point, acknowledge_days,
                     answer_days)
    agreement = _save(actor, Agreement(health_community_id=community.id), {
        "number": number, "title": title, "legal_point": legal_point,
        "acknowledge_days": acknowledge_days, "answer_days": answer_days}, "number")
    log.info("agreement %s created by user %s", agreement.id, actor.id)
    return agreement


def update_agreement(actor: Any, agreement: Agreement, *, number: str, title: str,
                     legal_point: int | None, acknowledge_days: int, answer_days: int
                     ) -> Agreement:
    """Change an agreement. New deadlines apply to cases routed from now on."""
    require_admin(actor)
    _check_agreement(agreement.health_community_id, agreement.id, number, title,
                     legal_point, acknowledge_days, answer_days)
    return _save(actor, agreement, {
        "number": number, "title": title, "legal_point": legal_point,
        "acknowledge_days": acknowledge_days, "answer_days": answer_days}, "number")


def set_agreement_active(actor: Any, agreement: Agreement, active: bool) -> None:
    """Deactivate (hide from reporters) or reactivate an agreement; never delete it."""
    _set_active(actor, agreement, active)


# Phases ----------------------------------------------------------------------------------

def _check_phase(community_id: int, exclude_id: int | None, code: str, name: str,
                 sort_order: int | None) -> int:
    errors: list[tuple[str, str]] = []
    if not code:
        errors.append(("code", str(_l("Give the phase a code."))))
    elif _taken(Phase, "code", code, {"health_community_id": community_id}, exclude_id):
        errors.append(("code", str(_l("This health community already has a phase with "
                                       "code %(code)s.", code=code))))
    if not name:
        errors.append(("name", str(_l("Give the phase a name."))))
    sort_order = _check_sort_order(errors, sort_order)
    if errors:
        raise ValidationFailed(errors)
    return sort_order


def create_phase(actor: Any, community: HealthCommunity, *, code: str, name: str,
                 sort_order: int | None = 0) -> Phase:
    """Add a transition phase (such as "C discharge") to ``community``."""
    require_admin(actor)
    sort_order = _check_phase(community.id, None, code, name, sort_order)
    phase = _save(actor, Phase(health_community_id=community.id),
                  {"code": code, "name": name, "sort_order": sort_order}, "code")
    log.info("phase %s created by user %s", phase.id, actor.id)
    return phase


def update_phase(actor: Any, phase: Phase, *, code: str, name: str,
                 sort_order: int | None) -> Phase:
    """Rename or reorder a phase."""
    require_admin(actor)
    sort_order = _check_phase(phase.health_community_id, phase.id, code, name, sort_order)
    return _save(actor, phase, {"code": code, "name": name, "sort_order": sort_order}, "code")


def set_phase_active(actor: Any, phase: Phase, active: bool) -> None:
    """Deactivate or reactivate a phase; its transitions are not offered while inactive."""
    _set_active(actor, phase, active)


# Transitions and categories: both hang on a phase of the same community ----------------

def _phase_in(community_id: int, phase_id: int | None, errors: list[tuple[str, str]],
              current_phase_id: int | None = None) -> Phase | None:
    """The chosen phase, or None with an error when it is missing, foreign or inactive."""
    phase = db.session.get(Phase, phase_id) if phase_id is not None else None
    if phase is None:
        errors.append(("phase_id", str(_l("Choose a phase."))))
    elif phase.health_community_id != community_id:
        errors.append(("phase_id", str(_l("This phase belongs to another health "
                                           "community."))))
    elif not phase.is_active and phase.id != current_phase_id:
        # An entry may keep the inactive phase it has, but not be moved into one.
        errors.append(("phase_id", str(_l("This phase is inactive. Reactivate it first."))))
    else:
        return phase
    return None


def _check_transition(community_id: int, exclude_id: int | None, current_phase_id: int | None,
                      phase_id: int | None, code: str, name: str, sort_order: int | None
                      ) -> tuple[Phase, int]:
    errors: list[tuple[str, str]] = []
    phase = _phase_in(community_id, phase_id, errors, current_phase_id)
    if not code:
        errors.append(("code", str(_l("Give the transition a code."))))
    elif phase is not None and _taken(Transition, "code", code, {"phase_id": phase.id},
                                      exclude_id):
        errors.append(("code", str(_l("Phase %(phase)s already has a transition with code "
                                       "%(code)s.", phase=phase.code, code=code))))
    if not name:
        errors.append(("name", str(_l("Give the transition a name."))))
    sort_order = _check_sort_order(errors, sort_order)
    if errors:
        raise ValidationFailed(errors)
    assert phase is not None
    return phase, sort_order


def create_transition(actor: Any, community: HealthCommunity, *, phase_id: int | None,
                      code: str, name: str, sort_order: int | None = 0) -> Transition:
    """Add a finer transition under a phase of ``community``; codes are unique per phase."""
    require_admin(actor)
    phase, sort_order = _check_transition(community.id, None, None, phase_id, code, name,
                                          sort_order)
    transition = _save(actor, Transition(), {"phase": phase, "code": code, "name": name,
                                      "sort_order": sort_order}, "code")
    log.info("transition %s created by user %s", transition.id, actor.id)
    return transition


def update_transition(actor: Any, transition: Transition, *, phase_id: int | None, code: str,
                      name: str, sort_order: int | None) -> Transition:
    """Rename, reorder or move a transition to another phase of the same community."""
    require_admin(actor)
    phase, sort_order = _check_transition(transition.phase.health_community_id, transition.id,
                                          transition.phase_id, phase_id, code, name,
                                          sort_order)
    return _save(actor, transition, {"phase": phase, "code": code, "name": name,
                              "sort_order": sort_order}, "code")


def set_transition_active(actor: Any, transition: Transition, active: bool) -> None:
    """Deactivate or reactivate a transition."""
    _set_active(actor, transition, active)


def _check_category(community_id: int, exclude_id: int | None, current_phase_id: int | None,
                    phase_id: int | None, code: str, name: str, sort_order: int | None
                    ) -> tuple[Phase | None, int]:
    errors: list[tuple[str, str]] = []
    # No phase is a choice of its own here: the category is offered in every phase.
    phase = None if phase_id is None else _phase_in(community_id, phase_id, errors,
                                                    current_phase_id)
    if not code:
        errors.append(("code", str(_l("Give the category a code."))))
    elif _taken(Category, "code", code, {"health_community_id": community_id}, exclude_id):
        errors.append(("code", str(_l("This health community already has a category with "
                                       "code %(code)s.", code=code))))
    if not name:
        errors.append(("name", str(_l("Give the category a name."))))
    sort_order = _check_sort_order(errors, sort_order)
    if errors:
        raise ValidationFailed(errors)
    return phase, sort_order


def create_category(actor: Any, community: HealthCommunity, *, code: str, name: str,
                    phase_id: int | None = None, sort_order: int | None = 0) -> Category:
    """Add a category to ``community``, for one phase or (``phase_id`` None) for all."""
    require_admin(actor)
    phase, sort_order = _check_category(community.id, None, None, phase_id, code, name,
                                        sort_order)
    category = _save(actor, Category(health_community_id=community.id), {
        "phase": phase, "code": code, "name": name, "sort_order": sort_order}, "code")
    log.info("category %s created by user %s", category.id, actor.id)
    return category


def update_category(actor: Any, category: Category, *, code: str, name: str,
                    phase_id: int | None, sort_order: int | None) -> Category:
    """Rename, reorder or move a category to another phase (or to all phases)."""
    require_admin(actor)
    phase, sort_order = _check_category(category.health_community_id, category.id,
                                        category.phase_id, phase_id, code, name, sort_order)
    return _save(actor, category, {"phase": phase, "code": code, "name": name,
                            "sort_order": sort_order}, "code")


def set_category_active(actor: Any, category: Category, active: bool) -> None:
    """Deactivate or reactivate a category."""
    _set_active(actor, category, active)
