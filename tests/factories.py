"""Small factories for test data. Each uses ``db.session``, flushes, and returns the object.

Shared by every feature's tests: add functions, do not change the meaning of existing ones.
"""

from __future__ import annotations

import itertools

from avvik.auth.passwords import hash_password
from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity, Organization, OrganizationKind, Unit
from avvik.users.models import Membership, Role, User

#: A strong password that passes the policy; the default for make_user.
DEFAULT_PASSWORD = "korrekt-hest-batteri-42"

_counter = itertools.count(1)


def _next() -> int:
    return next(_counter)


def make_health_community(name: str | None = None, *, is_active: bool = True
                          ) -> HealthCommunity:
    community = HealthCommunity(name=name or f"Helsefellesskap {_next()}", is_active=is_active)
    db.session.add(community)
    db.session.flush()
    return community


def make_organization(name: str | None = None, *,
                      kind: OrganizationKind = OrganizationKind.MUNICIPALITY,
                      health_community: HealthCommunity | None = None,
                      org_number: str | None = None, is_approval_required: bool = False,
                      is_patient_identity_wanted: bool = False, is_active: bool = True
                      ) -> Organization:
    organization = Organization(
        name=name or f"Organisasjon {_next()}", kind=kind,
        health_community=health_community or make_health_community(),
        org_number=org_number, is_approval_required=is_approval_required,
        is_patient_identity_wanted=is_patient_identity_wanted, is_active=is_active,
    )
    db.session.add(organization)
    db.session.flush()
    return organization


def make_unit(name: str | None = None, *, organization: Organization | None = None,
              parent: Unit | None = None, is_active: bool = True) -> Unit:
    if organization is None:
        organization = parent.organization if parent is not None else make_organization()
    unit = Unit(name=name or f"Enhet {_next()}", organization=organization, parent=parent,
                is_active=is_active)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(username: str | None = None, *, full_name: str | None = None,
              email: str | None = None, password: str = DEFAULT_PASSWORD,
              roles: list[tuple[Role, Unit]] | None = None, is_admin: bool = False,
              is_active: bool = True, locale: str | None = None,
              external_id: str | None = None) -> User:
    username = username or f"bruker{_next()}"
    user = User(username=username, full_name=full_name or f"Testperson {username}",
                email=email or f"{username}@example.org", external_id=external_id,
                password_hash=hash_password(password), is_admin=is_admin,
                is_active=is_active, locale=locale)
    db.session.add(user)
    for role, unit in roles or []:
        user.memberships.append(Membership(role=role, unit=unit))
    db.session.flush()
    return user


def make_agreement(number: str | None = None, *, title: str | None = None,
                   health_community: HealthCommunity | None = None,
                   legal_point: int | None = None, acknowledge_days: int = 2,
                   answer_days: int = 15, is_active: bool = True) -> Agreement:
    n = _next()
    agreement = Agreement(
        number=number or str(n), title=title or f"Tjenesteavtale {n}",
        health_community=health_community or make_health_community(),
        legal_point=legal_point, acknowledge_days=acknowledge_days, answer_days=answer_days,
        is_active=is_active,
    )
    db.session.add(agreement)
    db.session.flush()
    return agreement


def make_phase(code: str | None = None, *, name: str | None = None,
               health_community: HealthCommunity | None = None, sort_order: int = 0,
               is_active: bool = True) -> Phase:
    n = _next()
    phase = Phase(code=code or f"P{n}", name=name or f"Fase {n}",
                  health_community=health_community or make_health_community(),
                  sort_order=sort_order, is_active=is_active)
    db.session.add(phase)
    db.session.flush()
    return phase


def make_transition(code: str | None = None, *, name: str | None = None,
                    phase: Phase | None = None, sort_order: int = 0,
                    is_active: bool = True) -> Transition:
    n = _next()
    transition = Transition(code=code or f"T{n}", name=name or f"Overgang {n}",
                            phase=phase or make_phase(), sort_order=sort_order,
                            is_active=is_active)
    db.session.add(transition)
    db.session.flush()
    return transition


def make_category(code: str | None = None, *, name: str | None = None,
                  health_community: HealthCommunity | None = None,
                  phase: Phase | None = None, sort_order: int = 0,
                  is_active: bool = True) -> Category:
    """A category; with ``phase`` None it is offered in every phase."""
    n = _next()
    if health_community is None:
        health_community = phase.health_community if phase else make_health_community()
    category = Category(code=code or f"K{n}", name=name or f"Kategori {n}",
                        health_community=health_community, phase=phase,
                        sort_order=sort_order, is_active=is_active)
    db.session.add(category)
    db.session.flush()
    return category
