"""The names of the rows an aggregate found, fetched in one small query per kind."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from avvik.catalog.models import Agreement, Category, Transition
from avvik.core.db import run
from avvik.core.sql import dialect_name, in_ids
from avvik.organizations.models import Organization, Unit

#: A responsible unit and its receiving organisation; the unit is None for the cases
#: with the coordinators (or not routed yet).
UnitKey = tuple[int | None, int | None]

#: Each kind's (id, name) columns, the SQL of its names.
_KINDS: dict[str, tuple[Any, Any]] = {
    "agreement": (Agreement.id, Agreement.number + " " + Agreement.title),
    "transition": (Transition.id, Transition.code + " " + Transition.name),
    "category": (Category.id, Category.name),
    "organization": (Organization.id, Organization.name),
    "unit": (Unit.id, Organization.name + ": " + Unit.name),
}


def agreement_names(ids: set[int]) -> dict[int, str]:
    return _names("agreement", ids)


def transition_names(ids: set[int]) -> dict[int, str]:
    return _names("transition", ids)


def category_names(ids: set[int]) -> dict[int, str]:
    return _names("category", ids)


def organization_names(ids: set[int]) -> dict[int, str]:
    return _names("organization", ids)


def unit_labels(keys: set[UnitKey]) -> dict[UnitKey, str]:
    """ "Organisation: unit", unambiguous where organisations have units of one name."""
    units = _names("unit", {unit for unit, _ in keys if unit is not None})
    organizations = organization_names({org for _, org in keys if org is not None})
    nobody = str(_l("no unit (with the coordinators)"))
    return {(unit, org): units.get(unit, "") if unit is not None
            else f"{organizations.get(org, '')}: {nobody}" for unit, org in keys}


def _names(kind: str, ids: set[Any]) -> dict[Any, str]:
    return dict(run(_statement(kind, dialect_name()), {"ids": list(ids)}).all())


@lru_cache(maxsize=16)
def _statement(kind: str, dialect: str) -> Select[Any]:
    # Built once, run with the ids found (see avvik.core.sql).
    key, name = _KINDS[kind]
    statement = select(key, name).where(in_ids(key, "ids", dialect))
    return statement.join(Unit.organization) if kind == "unit" else statement
