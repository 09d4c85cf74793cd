"""Recovery codes: ten single-use codes for signing in when the phone is lost.

Shown once, when made; kept only as SHA-256 digests. A code is random (ten characters of
an alphabet without look-alikes, about 49 bits), so a slow password hash would add no
protection and cost ten argon2 runs per check. Spending a code is a conditional UPDATE,
so a code works once even when sent twice at the same moment.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from avvik.auth.models import RecoveryCode
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.users.models import User

COUNT = 10
#: No 0/o, 1/l/i: a code is copied from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 10


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def make_recovery_codes(user: User, *, now: datetime | None = None) -> list[str]:
    """New codes for ``user``, replacing any earlier ones; returns them for showing once."""
    now = now or utcnow()
    forget_recovery_codes(user)
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code), created_at=now)
                       for code in codes)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def spend_recovery_code(user: User, typed: str, *, now: datetime | None = None) -> bool:
    """True when ``typed`` is one of the user's unused codes; it is used up."""
    if len(_normalised(typed)) != LENGTH:
        return False
    spent = db.session.execute(
        db.update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(typed),
               RecoveryCode.used_at.is_(None))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return spent == 1


def unused_recovery_codes(user: User) -> int:
    return db.session.execute(
        db.select(db.func.count()).select_from(RecoveryCode)
        .filter_by(user_id=user.id, used_at=None)
    ).scalar_one()


def forget_recovery_codes(user: User) -> None:
    db.session.execute(db.delete(RecoveryCode).filter_by(user_id=user.id))
