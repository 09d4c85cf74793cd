"""The patient identity vault: name and national id, encrypted at rest with Fernet.

AVVIK_IDENTITY_KEY holds one or more Fernet keys, comma-separated, newest first. New
data is encrypted with the first; every listed key can decrypt, so a key is rotated by
putting a new key in front, running ``avvik rotate-identity-key``, then dropping the old.
Without a configured key, development keeps a generated key in the instance folder.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from avvik.audit.services import audit
from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.core.identity_guard import find_identity_numbers
from avvik.core.text import without_controls
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity, Organization
from avvik.reports import scope
from avvik.reports.events import record_event
from avvik.reports.models import PatientIdentity, Report, ReportStatus
from avvik.users.models import Role, User
from config import ConfigError

#: A reason is a sentence or two; it is kept on the timeline and in the audit log.
REASON_LIMIT = 300


def _keys() -> list[str]:
    configured = current_app.config.get("IDENTITY_KEY")
    if configured:
        return [k.strip() for k in configured.split(",") if k.strip()]
    key_file = Path(current_app.config["INSTANCE_DIR"]) / "identity.key"
    if not key_file.exists():
        key_file.write_bytes(Fernet.generate_key())
        key_file.chmod(0o600)
    return [key_file.read_text().strip()]


def cipher() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def store_identity(report: Report, name: str, national_id: str) -> None:
    """Encrypt and keep the patient's identity for this case (replacing any earlier)."""
    plain = json.dumps({"name": name.strip(),
                        "national_id": "".join(c for c in national_id if c.isdigit())})
    token = cipher().encrypt(plain.encode())
    existing = db.session.get(PatientIdentity, report.id)
    if existing is None:
        db.session.add(PatientIdentity(report_id=report.id, ciphertext=token))
    else:
        existing.ciphertext = token
    db.session.flush()


def has_identity(report: Report) -> bool:
    return db.session.get(PatientIdentity, report.id) is not None


def forget_identity(actor: User, report: Report) -> None:
    """Delete the case's patient identity now, if it has one (its draft is deleted)."""
    stored = db.session.get(PatientIdentity, report.id)
    if stored is not None:
        db.session.delete(stored)
        audit("identity.deleted", "report", report.id, actor=actor,
              detail={"status": report.status.value})


def may_view_identity(user: User, report: Report) -> bool:
    """The reporter, and the receiving side's handlers and coordinators."""
    if report.reporter_id == user.id:
        return True
    if report.status in scope.NOT_YET_SENT:
        return False
    reach = scope.reach_of(user)
    handles = {m.unit_id for m in user.memberships if m.role == Role.HANDLER}
    return (report.responsible_unit_id in scope.descendants(handles)
            or report.receiving_organization_id in reach.coordinated_orgs)


def view_identity(actor: User, report: Report, reason: str, *,
                  now: datetime | None = None) -> dict[str, str]:
    """Decrypt the identity for ``actor`` after they state why; the view is logged."""
    if not may_view_identity(actor, report):
        raise PermissionDenied()
    reason = without_controls(reason or "").strip()
    if len(reason) < 5:
        raise ValidationFailed([("reason", str(_l("State why you need the identity.")))])
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed([("reason", str(_l("At most %(n)d characters (now %(m)d).",
                                                  n=REASON_LIMIT, m=len(reason))))])
    if find_identity_numbers(reason):
        # The reason goes on the timeline and in the audit log: no identity there.
        raise ValidationFailed([("reason", str(_l(
            "Write the reason without the patient's national identity number.")))])
    stored = db.session.get(PatientIdentity, report.id)
    if stored is None:
        raise ValidationFailed([("reason", str(_l("This case holds no patient identity.")))])
    record_event(report, "identity_viewed", actor, reason)
    audit("identity.viewed", "report", report.id, actor=actor, reason=reason, now=now)
    db.session.flush()
    return json.loads(cipher().decrypt(stored.ciphertext))


#: An identity on a case that never ends (a draft left behind, a case nobody moves) is
#: deleted when nothing has happened on the case for this long: the retention counts from
#: the case's end, and some cases have none.
STALLED_CASE_DAYS = 365


def delete_expired_identities(*, now: datetime | None = None) -> int:
    """Delete the identities no one needs any more: of cases ended (closed, withdrawn)
    longer ago than their community's retention; of drafts untouched for as long; of
    any other case on which nothing has happened for ``STALLED_CASE_DAYS``."""
    now = now or utcnow()
    ended = (ReportStatus.CLOSED, ReportStatus.WITHDRAWN)
    rows = db.session.execute(
        select(PatientIdentity, Report, HealthCommunity.identity_retention_days)
        .join(Report, Report.id == PatientIdentity.report_id)
        .join(Organization, Organization.id == Report.reporting_organization_id)
        .join(HealthCommunity, HealthCommunity.id == Organization.health_community_id)
    ).all()
    deleted = 0
    for identity, report, retention_days in rows:
        if report.status in ended:
            since, days = report.closed_at or report.withdrawn_at, retention_days
        elif report.status == ReportStatus.DRAFT:
            since, days = report.updated_at, retention_days
        else:
            since, days = report.updated_at, STALLED_CASE_DAYS
        if since is None or since > now - timedelta(days=days):
            continue
        db.session.delete(identity)
        report.identity_deleted_at = now
        record_event(report, "identity_deleted", None)
        audit("identity.deleted", "report", report.id, now=now,
              detail={"status": report.status.value, "retention_days": days})
        deleted += 1
    db.session.flush()
    return deleted


def check_identity_key() -> None:
    """Decrypt the newest stored identity with the configured keys: a wrong key is found
    when the server starts, not when someone first opens an identity. Raises ConfigError.
    """
    newest = db.session.scalars(
        select(PatientIdentity.ciphertext).order_by(PatientIdentity.created_at.desc())
        .limit(1)).first()
    if newest is None:
        return
    try:
        cipher().decrypt(newest)
    except InvalidToken:
        raise ConfigError("AVVIK_IDENTITY_KEY does not decrypt the patient identities "
                          "already stored: add the key they were encrypted with (keys are "
                          "comma-separated, newest first)") from None


def rotate_identity_key() -> int:
    """Re-encrypt every stored identity with the first configured key."""
    fernet = cipher()
    count = 0
    for identity in db.session.execute(select(PatientIdentity)).scalars():
        identity.ciphertext = fernet.rotate(identity.ciphertext)
        count += 1
    db.session.flush()
    return count
