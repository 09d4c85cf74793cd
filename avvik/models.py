"""Import every model so that ``db.metadata`` knows all tables (Alembic, create_all)."""

from avvik.api.models import ApiToken, IdempotencyKey
from avvik.audit import guard  # noqa: F401  (append-only: ORM hooks, create_all's triggers)
from avvik.audit.models import AuditEntry
from avvik.auth.models import LoginSession, RecoveryCode, TotpEnrolment
from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.committee.models import AgendaItem, AgendaSource, AgendaStatus, Meeting
from avvik.core.heartbeat import WorkerHeartbeat
from avvik.discharges.models import DischargeCount
from avvik.integrations.models import DeliveryState, Webhook, WebhookDelivery
from avvik.measures.models import Measure, MeasureReport, MeasureStatus
from avvik.organizations.models import HealthCommunity, Organization, OrganizationKind, Unit
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.reports import search_index  # noqa: F401  (made with the tables: create_all)
from avvik.reports.models import (
    CaseNumberCounter,
    Consequence,
    Direction,
    PatientIdentity,
    Report,
    ReportEvent,
    ReportStatus,
)
from avvik.reports.notices import CaseNotice
from avvik.routing.models import RoutingRule
from avvik.users.models import Membership, Role, User

__all__ = [
    "AgendaItem",
    "AgendaSource",
    "AgendaStatus",
    "Agreement",
    "ApiToken",
    "AuditEntry",
    "CaseNotice",
    "CaseNumberCounter",
    "Category",
    "Consequence",
    "DeliveryState",
    "Direction",
    "DischargeCount",
    "HealthCommunity",
    "IdempotencyKey",
    "LoginSession",
    "Measure",
    "MeasureReport",
    "MeasureStatus",
    "Meeting",
    "Membership",
    "Organization",
    "OrganizationKind",
    "OutboxMessage",
    "OutboxState",
    "PatientIdentity",
    "Phase",
    "RecoveryCode",
    "Report",
    "ReportEvent",
    "ReportStatus",
    "Role",
    "RoutingRule",
    "TotpEnrolment",
    "Transition",
    "Unit",
    "User",
    "Webhook",
    "WebhookDelivery",
    "WorkerHeartbeat",
]
