"""Loading the demo health community: structure, catalog, people, rules and history.

Everything is fictional. The loader flushes and never commits; ``avvik demo-data``
commits once at the end.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from avvik.auth.passwords import hash_password
from avvik.core.errors import DomainError
from avvik.demo.catalog import create_catalog
from avvik.demo.committee import seat_demo_committee
from avvik.demo.discharges import register_demo_discharges
from avvik.demo.disputes import dispute_demo_cases
from avvik.demo.history import DEFAULT_HISTORY_SIZE, generate_history
from avvik.demo.links import link_demo_events
from avvik.demo.measures import draw_measures
from avvik.demo.people import DEMO_PASSWORD, create_people
from avvik.demo.rules import create_rules
from avvik.demo.serious import record_demo_notices
from avvik.demo.structure import COMMUNITY_NAME, create_structure
from avvik.extensions import db
from avvik.organizations.models import Organization, OrganizationKind
from avvik.reports.models import ReportStatus

log = logging.getLogger(__name__)

#: The seed that makes the demo reproducible; only ``now`` moves the history.
DEFAULT_SEED = 2026


class DemoRefused(DomainError):
    """The demo data may not be loaded here (production, or data is already present)."""


@dataclass
class DemoSummary:
    community: str
    organizations: Counter[OrganizationKind]
    units: int
    users: int
    routing_rules: int
    cases: Counter[ReportStatus]
    #: (username, what the login is for); every one has the password DEMO_PASSWORD.
    logins: list[tuple[str, str]] = field(default_factory=list)
    #: Measures (tiltak) the units' leaders started on runs of answered cases.
    measures: int = 0
    #: Reports of one event from both sides: pairs linked, and pairs left as likely
    #: matches for the case page to offer.
    linked_pairs: int = 0
    likely_pairs: int = 0
    #: Serious events with their notice to Helsetilsynet recorded, and still waiting.
    serious_recorded: int = 0
    serious_waiting: int = 0
    #: Cases declined with a proposal: redirected, a joint answer, one on the agenda.
    disputed: int = 0
    #: Cases on the joint committee's agenda now, and items the committee has resolved.
    agenda_open: int = 0
    agenda_resolved: int = 0
    #: Monthly discharge figures of the units that have them (rates per 100 discharges).
    discharges: int = 0


def refuse_unless_allowed(environment: str) -> None:
    """Raise DemoRefused in production or when organisations already exist."""
    if environment == "production":
        raise DemoRefused("Demo data is never loaded when AVVIK_ENV=production.")
    if db.session.scalar(select(func.count()).select_from(Organization)):
        raise DemoRefused("The database already holds organisations; demo data not loaded.")


def load_demo_data(*, now: datetime, seed: int = DEFAULT_SEED,
                   history_size: int = DEFAULT_HISTORY_SIZE,
                   environment: str = "development") -> DemoSummary:
    """Create the fictional health community and ``history_size`` cases up to ``now``.

    The same ``seed`` and ``now`` give the same data. Refuses (DemoRefused) in production
    and on a database that already holds organisations, so a second run never duplicates.
    """
    refuse_unless_allowed(environment)
    if history_size < 0:
        raise ValueError("history_size must not be negative")
    # One hash for every demo user: argon2 is slow on purpose.
    password_hash = hash_password(DEMO_PASSWORD)
    community = create_structure()
    catalog = create_catalog(community.id)
    people = create_people(community, password_hash, seed)
    rules = create_rules(community, catalog)
    cases = generate_history(community, catalog, people, rules, now=now, seed=seed,
                             size=history_size)
    measures = draw_measures(people.leaders, now=now, seed=seed)
    discharges = register_demo_discharges(people.leaders, now=now, seed=seed)
    linked_pairs, likely_pairs = link_demo_events(people, now=now, seed=seed)
    serious_recorded, serious_waiting = record_demo_notices(now=now, seed=seed)
    disputed = dispute_demo_cases(people, now=now)
    agenda_open, agenda_resolved = seat_demo_committee(people, now=now)
    summary = DemoSummary(
        community=COMMUNITY_NAME,
        organizations=Counter(org.kind for org in community.organizations),
        units=sum(len(org.units) for org in community.organizations),
        users=len(people.user_ids), routing_rules=len(rules), cases=cases,
        logins=people.logins, measures=measures, linked_pairs=linked_pairs,
        likely_pairs=likely_pairs, serious_recorded=serious_recorded,
        serious_waiting=serious_waiting, disputed=disputed, agenda_open=agenda_open,
        agenda_resolved=agenda_resolved, discharges=discharges)
    log.info("demo data loaded: %d organisations, %d users, %d cases, %d measures",
             sum(summary.organizations.values()), summary.users, sum(cases.values()),
             measures)
    return summary
