"""Upkeep of the REST API; harmless when run twice."""

from __future__ import annotations

from celery import shared_task

from avvik.api.idempotency import purge_expired_keys
from avvik.extensions import db


@shared_task(name="api.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Delete the Idempotency-Keys past their retention (a day); returns how many."""
    deleted = purge_expired_keys()
    db.session.commit()
    return deleted
