"""Writing audit entries."""

from __future__ import annotations

from datetime import datetime

from avvik.audit.models import AuditEntry
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.users.models import User


def audit(action: str, object_type: str, object_id: int, *, actor: User | None = None,
          reason: str = "", now: datetime | None = None) -> AuditEntry:
    entry = AuditEntry(action=action, object_type=object_type, object_id=object_id,
                       actor_id=actor.id if actor else None, reason=reason, at=now or utcnow())
    db.session.add(entry)
    return entry
