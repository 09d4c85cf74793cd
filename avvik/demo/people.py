"""Demo users: the named logins of the walk-through, and staff so that every unit has a
leader, every reporting unit a reporter and every organisation a coordinator.

Every user shares one password, hashed once: argon2 is slow on purpose.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from avvik.demo.structure import Community, UnitRef
from avvik.extensions import db
from avvik.organizations.models import OrganizationKind
from avvik.users.models import Membership, Role, User

DEMO_PASSWORD = "avvik-demo-2026"

FIRST_NAMES = (
    "Anne", "Kari", "Ingrid", "Silje", "Ida", "Nora", "Hanne", "Camilla", "Ragnhild",
    "Solveig", "Hilde", "Line", "Maria", "Eli", "Mona", "Guro", "Astrid", "Vilde", "Randi",
    "Elin", "Lars", "Ole", "Jon", "Knut", "Bjørn", "Morten", "Henrik", "Sindre", "Magnus",
    "Torbjørn", "Arne", "Even", "Kristian", "Sigurd", "Aksel", "Stian", "Håkon", "Amir",
    "Fatima", "Tomasz", "Agnieszka", "Sunniva", "Therese", "Vegard", "Øystein", "Åse",
)
LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Karlsen",
    "Haugen", "Berg", "Dahl", "Lie", "Bakke", "Hagen", "Eide", "Myhre", "Nygård", "Brekke",
    "Fossum", "Holm", "Sæther", "Rønning", "Lien", "Tangen", "Aune", "Engen", "Berntsen",
    "Hauge", "Ali", "Nowak", "Kowalska", "Fjeld", "Skaug", "Hovland", "Røed", "Torvik",
)

#: Units whose staff file reports (the others lead or administer).
REPORTING_TAGS = ("department", "district", "nursing_home", "emergency", "allocation",
                  "rehab_ward", "coordinating")
#: Units that have case handlers besides their leader.
HANDLER_TAGS = ("department", "emergency", "allocation", "rehab_ward", "coordinating")


@dataclass
class People:
    """Ids of the users created, by role and place (what the history generator needs)."""

    user_ids: dict[str, int] = field(default_factory=dict)
    leaders: dict[int, int] = field(default_factory=dict)
    reporters: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    handlers: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    coordinators: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    #: (username, what to try with it) for the summary
    logins: list[tuple[str, str]] = field(default_factory=list)


def named_users(c: Community) -> list[tuple[str, str, list[tuple[UnitRef, Role]], str]]:
    """The walk-through logins: (username, full name, memberships, description)."""
    first, second = c.municipalities[0], c.municipalities[1]
    district = first.unit("Hjemmetjenesten sone nord")
    ward = c.hospital.unit("Indremedisinsk avdeling")
    top = c.hospital.top
    return [
        ("melder.kommune", "Ingrid Solheim", [(district, Role.REPORTER)],
         f"reporter, {district.name}, {first.name}"),
        ("melder.sykehus", "Jonas Berge", [(ward, Role.REPORTER)],
         f"reporter, {ward.name}, {c.hospital.name}"),
        ("leder.kommune", "Tone Haugland", [(district, Role.LEADER)],
         f"leader of {district.name}, {first.name}"),
        ("leder.sykehus", "Marte Lunde", [(ward, Role.LEADER), (ward, Role.HANDLER)],
         f"leader and handler, {ward.name}"),
        ("koordinator.kommune", "Kjersti Aas", [(first.top, Role.COORDINATOR)],
         f"coordinator, {first.name}"),
        ("koordinator.sykehus", "Eirik Strandli", [(top, Role.COORDINATOR)],
         f"coordinator, {c.hospital.name}"),
        ("kvalitet", "Silje Moholt", [(top, Role.QUALITY_ADVISER)],
         f"quality adviser, {c.hospital.name}"),
        ("sekretariat", "Helge Nordby", [(top, Role.SECRETARIAT)],
         "joint committee secretariat, whole health community"),
        ("utvalg", "Randi Skogheim", [(first.top, Role.COMMITTEE_MEMBER)],
         "joint committee member (reads the agenda), whole health community"),
        ("admin", "Anne Dahlstrøm", [], "administrator"),
        ("melder.annen", "Ole Bakkevik", [(second.unit("Hjemmetjenesten øst"), Role.REPORTER)],
         f"reporter, {second.name} (must not see {first.name}'s cases)"),
    ]


def _slug(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", " ": "."})
    return "".join(ch for ch in name.lower().translate(table) if ch.isalnum() or ch == ".")


class _Staff:
    """Hands out fictional names that are unique within the demo."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = set(taken)

    def name(self) -> tuple[str, str]:
        while True:
            full_name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            username = _slug(full_name)
            if username not in self.taken:
                self.taken.add(username)
                return username, full_name


def create_people(c: Community, password_hash: str, seed: int) -> People:
    """Create the named logins and the staff; flush. ``password_hash`` is shared by all."""
    rng = random.Random(f"{seed}-people")
    people = People()
    plan: list[tuple[str, str, str, bool, list[tuple[int, Role]]]] = []
    named = named_users(c)
    staff = _Staff(rng, {_slug(full_name) for _u, full_name, _m, _d in named})
    for username, full_name, memberships, description in named:
        plan.append((username, full_name, _slug(full_name), username == "admin",
                     [(unit.id, role) for unit, role in memberships]))
        people.logins.append((username, description))
    held = {(unit_id, role) for *_rest, ms in plan for unit_id, role in ms}

    def add_staff(*memberships: tuple[int, Role]) -> None:
        username, full_name = staff.name()
        plan.append((username, full_name, username, False, list(memberships)))
        held.update(memberships)

    for org in c.organizations:
        for unit in org.units:
            if (unit.id, Role.LEADER) not in held:
                # A GP office's manager also files its reports and is its "post office".
                extra = ([(unit.id, Role.REPORTER), (unit.id, Role.COORDINATOR)]
                         if org.kind is OrganizationKind.GP_OFFICE else [])
                add_staff((unit.id, Role.LEADER), *extra)
            if unit.tag in REPORTING_TAGS:
                add_staff((unit.id, Role.REPORTER))
            if unit.tag in HANDLER_TAGS and (unit.id, Role.HANDLER) not in held:
                add_staff((unit.id, Role.HANDLER))
        if (org.top.id, Role.COORDINATOR) not in held:
            add_staff((org.top.id, Role.COORDINATOR))
    for municipality in c.municipalities:
        add_staff((municipality.top.id, Role.QUALITY_ADVISER))

    users = [User(username=username, full_name=full_name, email=f"{mail}@example.no",
                  password_hash=password_hash, is_admin=is_admin, is_active=True)
             for username, full_name, mail, is_admin, _ms in plan]
    db.session.add_all(users)
    db.session.flush()
    memberships = []
    for user, (*_rest, ms) in zip(users, plan, strict=True):
        people.user_ids[user.username] = user.id
        for unit_id, role in ms:
            memberships.append(Membership(user_id=user.id, unit_id=unit_id, role=role))
            _index(people, c, user.id, unit_id, role)
    db.session.add_all(memberships)
    db.session.flush()
    return people


def _index(people: People, c: Community, user_id: int, unit_id: int, role: Role) -> None:
    if role is Role.LEADER:
        people.leaders[unit_id] = user_id
    elif role is Role.REPORTER:
        people.reporters[unit_id].append(user_id)
    elif role is Role.HANDLER:
        people.handlers[unit_id].append(user_id)
    elif role is Role.COORDINATOR:
        people.coordinators[c.units()[unit_id].organization_id].append(user_id)
