"""Writing audit entries: one INSERT in the transaction of what it records.

An entry made with a change is committed or rolled back with it. A read that changes
nothing (a case page, the API's case) must still commit its entry: such views commit at
their boundary. The client address and the request id come from context variables set
for the request (avvik/audit/context.py, avvik/core/request_ids.py), so the services
that audit take only what they know: the actor, the object and a few facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, inspect

from avvik.audit.actions import ACTIONS
from avvik.audit.context import client_address
from avvik.audit.models import AuditEntry
from avvik.core import request_ids
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.users.models import User

#: A detail holds small facts, never a text someone typed; longer strings are a mistake.
DETAIL_TEXT_LIMIT = 200
_SCALARS = (str, int, float, bool, type(None))


def audit(action: str, object_type: str, object_id: int | None, *,
          actor: User | None = None, detail: Mapping[str, Any] | None = None,
          reason: str = "", now: datetime | None = None) -> None:
    """Record that ``actor`` (None: the system, or someone not signed in) did ``action``
    to the object, with the request's client address and id.

    One INSERT in the session's transaction, with no ORM object kept: a case read
    costs no more than that. ``detail`` maps names to scalars or lists of scalars.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to avvik/audit/actions.py")
    facts = dict(detail or {})
    _check_detail(facts)
    db.session.execute(insert(AuditEntry).values(
        at=now or utcnow(), action=action, object_type=object_type, object_id=object_id,
        actor_id=actor.id if actor is not None else None,
        actor_username=actor.username if actor is not None else None,
        actor_name=actor.full_name if actor is not None else None,
        detail=facts, reason=reason, client_address=client_address.get(),
        request_id=request_ids.current.get()))


def audit_setting(actor: User, kind: str, change: str, row: Any,
                  **detail: Any) -> None:
    """Record an administrator's change of a setting (``SETTINGS``): ``change`` is
    "created" (after the flush that gave ``row`` its id), "updated" (before the flush
    that writes the change: the changed fields' names are recorded, and nothing when
    nothing changed), "deactivated" or "reactivated"."""
    if change == "updated":
        changed = changed_fields(row)
        if not changed:
            return
        detail["changed"] = changed
    audit(f"{kind}.{change}", kind, row.id, actor=actor, detail=detail)


def changed_fields(row: object) -> list[str]:
    """The names of ``row``'s attributes changed since it was loaded or last flushed
    (columns and many-to-one relations alike), for an "updated" entry's detail. Ask
    before the flush that writes them."""
    state = inspect(row)
    return sorted(attr.key for attr in state.attrs if attr.history.has_changes())


def _check_detail(facts: dict[str, Any]) -> None:
    for name, value in facts.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if not isinstance(item, _SCALARS) or (
                    isinstance(item, str) and len(item) > DETAIL_TEXT_LIMIT):
                raise ValueError(f"audit detail {name!r} is not a small fact")
