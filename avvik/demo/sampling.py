"""Draws what each synthetic case is about, who reports it and when (domain.md §7).

Category and phase shares come from the category table; direction shares are fitted to
them with iterative proportional fitting, so that a missing epicrisis is reported to the
hospital while the overall split stays near 80 % kommune→HF, 14 % HF→kommune, 6 % other.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time, timedelta

from avvik.core.timeutil import OSLO, as_utc, to_oslo
from avvik.core.workdays import is_working_day
from avvik.demo.catalog import CATEGORIES, PHASES, CatalogIds, CategoryDef
from avvik.demo.people import People
from avvik.demo.spec import CaseSpec, pick_department
from avvik.demo.structure import Community, OrgRef, UnitRef
from avvik.organizations.models import OrganizationKind
from avvik.reports.models import Consequence, Direction, ReportStatus

#: Target shares: to the hospital, to a municipality, other (GP and private institution).
DIRECTION_SHARES = (0.80, 0.145, 0.055)
#: How likely each direction is for a category, by who usually caused it.
CULPRIT_AFFINITY = {"hf": (1.0, 0.03, 0.08), "primary": (0.08, 1.0, 0.25),
                    "either": (1.0, 0.4, 0.15)}
CONSEQUENCE_SHARES = {Consequence.NONE: 60.3, Consequence.MINOR: 28.6,
                      Consequence.MODERATE: 8.6, Consequence.SIGNIFICANT: 2.1,
                      Consequence.DEATH: 0.2}
LEVELS = list(Consequence)
#: Which municipal services report in each phase.
MUNICIPAL_REPORTERS = {
    "A": {"emergency": 45, "district": 30, "nursing_home": 25},
    "B": {"allocation": 55, "district": 30, "nursing_home": 15},
    "C": {"district": 55, "nursing_home": 30, "allocation": 15},
    "D": {"district": 50, "nursing_home": 35, "emergency": 15},
    "E": {"district": 60, "nursing_home": 40},
}
#: How often the koordinerende enhet is the side of a case about habilitation,
#: rehabilitation, individual plans, coordinators or learning and coping services.
COORDINATING_UNIT_SHARE = 0.5
#: Seasons: winter pressure on the wards, fewer reports in July and at Christmas.
MONTH_FACTOR = (1.15, 1.1, 1.05, 0.95, 1.0, 0.95, 0.7, 0.95, 1.05, 1.1, 1.1, 0.9)
HOUR_WEIGHTS = {7: 4, 8: 8, 9: 10, 10: 10, 11: 9, 12: 8, 13: 9, 14: 10, 15: 7, 16: 4,
                17: 3, 18: 3, 19: 3, 20: 4, 21: 4, 22: 2}


def joint_table() -> tuple[list[tuple[CategoryDef, str, int]], list[float]]:
    """(category, phase, direction index) cells and their weights."""
    cells: list[tuple[CategoryDef, str]] = []
    row_targets: list[float] = []
    for cat in CATEGORIES:
        weights = cat.weight if isinstance(cat.weight, dict) else {cat.phase: cat.weight}
        for phase, weight in weights.items():
            cells.append((cat, phase))
            row_targets.append(weight)
    matrix = [list(cat.affinity or CULPRIT_AFFINITY[cat.culprit]) for cat, _ in cells]
    total = sum(row_targets)
    for _ in range(200):
        for j, share in enumerate(DIRECTION_SHARES):
            factor = share * total / sum(row[j] for row in matrix)
            for row in matrix:
                row[j] *= factor
        matrix = [[v * target / sum(row) for v in row]
                  for row, target in zip(matrix, row_targets, strict=True)]
    flat = [((cat, phase, j), matrix[i][j]) for i, (cat, phase) in enumerate(cells)
            for j in range(3)]
    return [cell for cell, _ in flat], [weight for _, weight in flat]


def _choose(rng: random.Random, table: dict) -> object:
    return rng.choices(list(table), weights=list(table.values()))[0]


class Sampler:
    def __init__(self, c: Community, cat: CatalogIds, people: People, rng: random.Random,
                 now: datetime) -> None:
        self.c, self.cat, self.people, self.rng, self.now = c, cat, people, rng, now
        cells, weights = joint_table()
        self.cells = cells
        self.cum_weights = list(itertools.accumulate(weights))
        self.phase_transitions = {code: [t for t, _ in steps] for code, _, steps in PHASES}

    def moments(self, n: int) -> list[datetime]:
        """``n`` submission moments over the two years (and a bit) before ``now``."""
        today = to_oslo(self.now).date()
        start = date(today.year - 2, today.month, 1)
        days = [start + timedelta(days=i) for i in range((today - start).days + 1)]
        weights = [MONTH_FACTOR[d.month - 1] * (1.0 if is_working_day(d) else 0.35)
                   * (0.85 + 0.3 * i / len(days)) for i, d in enumerate(days)]
        picked = self.rng.choices(days, weights=weights, k=n)
        return sorted(self._time_on(day) for day in picked)

    def _time_on(self, day: date) -> datetime:
        latest = self.now - timedelta(minutes=15)
        for _ in range(50):
            hour = _choose(self.rng, HOUR_WEIGHTS)
            moment = as_utc(datetime.combine(day, time(hour, self.rng.randint(0, 59)), OSLO))
            if moment <= latest:
                return moment
        return latest - timedelta(minutes=self.rng.randint(1, 120))

    def natural(self, moment: datetime) -> CaseSpec:
        """A case as the shares of §7 would have it."""
        rng = self.rng
        cat, phase, direction = rng.choices(self.cells, cum_weights=self.cum_weights)[0]
        hf = self.c.hospital
        if direction == 0:
            reporting = self._municipality()
            unit = self._municipal_unit(reporting, phase, cat)
            receiving = hf
            named = self._hospital_unit(phase, cat).id if rng.random() < 0.65 else None
        elif direction == 1:
            reporting, unit = hf, self._hospital_unit(phase, cat)
            receiving = self._municipality()
            named = (self._municipal_unit(receiving, phase, cat).id if rng.random() < 0.4
                     else None)
        else:
            partner = (rng.choice(self.c.gp_offices) if rng.random() < 0.83
                       else self.c.rehabilitation)
            partner_reports = {"hf": True, "primary": False}.get(cat.culprit,
                                                                 rng.random() < 0.7)
            if partner_reports:
                reporting, receiving = partner, hf
                unit = rng.choice(partner.tagged("rehab_ward") or [partner.top])
                named = pick_department(rng, hf, phase).id if rng.random() < 0.5 else None
            else:
                reporting, receiving, named = hf, partner, None
                unit = pick_department(rng, hf, phase)
        roll = rng.random()
        fate = "draft" if roll < 0.006 else "withdrawn" if roll < 0.021 else "normal"
        return self.make(moment, cat, phase, reporting, unit, receiving, named, fate=fate)

    def _municipality(self) -> OrgRef:
        municipalities = self.c.municipalities
        return self.rng.choices(municipalities, weights=[m.weight for m in municipalities])[0]

    def _municipal_unit(self, municipality: OrgRef, phase: str, cat: CategoryDef) -> UnitRef:
        if cat.group == "coordination" and self.rng.random() < COORDINATING_UNIT_SHARE:
            return municipality.tagged("coordinating")[0]
        tag = _choose(self.rng, MUNICIPAL_REPORTERS[phase])
        return self.rng.choice(municipality.tagged(tag))

    def _hospital_unit(self, phase: str, cat: CategoryDef) -> UnitRef:
        if cat.group == "coordination" and self.rng.random() < COORDINATING_UNIT_SHARE:
            return self.c.hospital.tagged("coordinating")[0]
        return pick_department(self.rng, self.c.hospital, phase)

    def make(self, moment: datetime, cat: CategoryDef, phase: str, reporting: OrgRef,
             unit: UnitRef, receiving: OrgRef, named_unit_id: int | None, *,
             reporter_id: int | None = None, fate: str = "normal",
             stop: ReportStatus | None = None) -> CaseSpec:
        """A case with everything else drawn: transition, agreement, consequence, dates."""
        rng = self.rng
        transition = rng.choice(cat.transitions or self.phase_transitions[phase])
        agreement = _choose(rng, cat.agreements)
        consequence, potential = self._consequences(cat)
        sent_day = to_oslo(moment).date()
        event_date = sent_day - timedelta(days=_choose(rng, {0: 50, 1: 25, 2: 10, 3: 6,
                                                             5: 5, 7: 4}))
        discovered = event_date + (sent_day - event_date) * rng.randint(0, 1)
        return CaseSpec(
            category=cat, phase=phase, agreement_id=self.cat.agreements[agreement],
            transition_id=self.cat.transitions[transition],
            category_id=self.cat.categories[cat.code],
            answer_days=self.cat.answer_days[agreement], direction=_direction(reporting,
                                                                              receiving),
            reporting_org=reporting, reporting_unit=unit,
            reporter_id=reporter_id or rng.choice(self.people.reporters[unit.id]),
            receiving_org=receiving, receiving_unit_id=named_unit_id,
            consequence=consequence, potential_consequence=potential,
            event_date=event_date, discovered_date=discovered if rng.random() < 0.8 else None,
            moment=moment, fate=fate, stop=stop)

    def _consequences(self, cat: CategoryDef) -> tuple[Consequence, Consequence]:
        rng = self.rng
        if cat.group == "improvement":
            return Consequence.NONE, Consequence.NONE
        if cat.group == "good_catch":
            return Consequence.NONE, LEVELS[rng.randint(1, 3)]
        actual = _choose(rng, CONSEQUENCE_SHARES)
        step = _choose(rng, {0: 45, 1: 40, 2: 15})
        return actual, LEVELS[min(LEVELS.index(actual) + step, len(LEVELS) - 1)]


def _direction(reporting: OrgRef, receiving: OrgRef) -> Direction:
    kinds = (reporting.kind, receiving.kind)
    if kinds == (OrganizationKind.MUNICIPALITY, OrganizationKind.HOSPITAL_TRUST):
        return Direction.MUNICIPALITY_TO_HOSPITAL
    if kinds == (OrganizationKind.HOSPITAL_TRUST, OrganizationKind.MUNICIPALITY):
        return Direction.HOSPITAL_TO_MUNICIPALITY
    return Direction.OTHER
