"""Fixtures of the audit tests: the administration's, and the entries of one action."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from avvik.audit.models import AuditEntry
from avvik.extensions import db
from tests.organizations.conftest import (  # noqa: F401  (pytest finds fixtures by name)
    admin,
    admin_client,
    sign_in,
    staff_client,
)


def entries(action: str | None = None, **where: Any) -> list[AuditEntry]:
    """The entries of ``action`` (every action when None), oldest first."""
    query = select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
    if action is not None:
        query = query.filter_by(action=action)
    return list(db.session.scalars(query))


def facts(entry: AuditEntry) -> tuple[Any, ...]:
    """The who and what of an entry, for comparing in one line."""
    return (entry.action, entry.actor_id, entry.object_type, entry.object_id, entry.detail)
