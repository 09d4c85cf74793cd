"""The synthetic case history: drawn, numbered and inserted in bulk.

Besides the drawn cases, a few "showcase" cases of the named demo users sit right before
``now`` in every open status, so the walk-through has something to show in each inbox
and every status exists even in a small history.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import insert

from avvik.core.timeutil import to_oslo
from avvik.core.workdays import add_working_days
from avvik.demo.catalog import CATEGORIES, CatalogIds
from avvik.demo.people import People
from avvik.demo.rules import Router, Rule
from avvik.demo.sampling import Sampler
from avvik.demo.spec import CaseSpec, Staffing
from avvik.demo.structure import Community
from avvik.demo.timeline import Built, CaseBuilder
from avvik.extensions import db
from avvik.integrations.changes import changed_at_of
from avvik.reports.models import CaseNumberCounter, Report, ReportEvent, ReportStatus
from avvik.reports.reads import changes_of

DEFAULT_HISTORY_SIZE = 3200
S = ReportStatus

#: (reporter username or None, reporting side, receiving side, named unit or None,
#:  category, phase, status to stop at, age as ("minutes" | "workdays", n))
#: Sides: "m1" home care sone nord / Nordvik, "m2" home care øst / Sørdal, "m4" a home
#: care district of Vestlia (approval required), "hf" Indremedisinsk avdeling / the HF.
SHOWCASE: tuple[tuple[str | None, str, str, str | None, str, str, S, tuple[str, int]], ...] = (
    ("melder.kommune", "m1", "hf", None, "C-LEGEMIDDELLISTE", "C", S.DRAFT, ("minutes", 90)),
    ("melder.sykehus", "hf", "m1", None, "A-INNLEGGELSESRAPPORT", "A", S.DRAFT,
     ("minutes", 40)),
    ("melder.annen", "m2", "hf", None, "C-EPIKRISE", "C", S.DRAFT, ("minutes", 300)),
    ("melder.kommune", "m1", "hf", None, "C-TIDSPUNKT", "C", S.SUBMITTED, ("minutes", 2)),
    ("melder.annen", "m2", "hf", None, "C-RESEPTER", "C", S.SUBMITTED, ("minutes", 4)),
    (None, "m4", "hf", None, "C-EPIKRISE", "C", S.AWAITING_APPROVAL, ("minutes", 180)),
    (None, "m4", "hf", None, "C-HJELPEMIDLER", "C", S.AWAITING_APPROVAL, ("workdays", 1)),
    ("melder.kommune", "m1", "hf", None, "C-LEGEMIDDELLISTE", "C", S.ROUTED, ("minutes", 200)),
    ("melder.sykehus", "hf", "m1", None, "C-IKKE-MOTTATT", "C", S.ROUTED, ("minutes", 100)),
    ("melder.kommune", "m1", "hf", "hf", "C-EPIKRISE", "C", S.ACKNOWLEDGED, ("workdays", 4)),
    ("melder.kommune", "m1", "hf", None, "C-RESEPTER", "C", S.ACKNOWLEDGED, ("workdays", 24)),
    ("melder.sykehus", "hf", "m1", "m1", "D-OPPFOLGING", "D", S.ACKNOWLEDGED,
     ("workdays", 3)),
    ("melder.sykehus", "hf", "m1", "m1", "D-HJELPEMIDLER", "D", S.ACKNOWLEDGED,
     ("workdays", 19)),
    ("melder.kommune", "m1", "hf", "hf", "C-TIDSPUNKT", "C", S.ANSWERED, ("workdays", 9)),
    ("melder.annen", "m2", "hf", "hf", "C-EPIKRISE", "C", S.ANSWERED, ("workdays", 7)),
    ("melder.kommune", "m1", "hf", None, "ANNET", "D", S.WITHDRAWN, ("workdays", 2)),
    ("melder.kommune", "m1", "hf", "hf", "C-LEGEMIDDELLISTE", "C", S.CLOSED, ("workdays", 30)),
)


def _showcase(sampler: Sampler, c: Community, people: People, now: datetime
              ) -> list[CaseSpec]:
    sides = {
        "m1": (c.municipalities[0], c.municipalities[0].unit("Hjemmetjenesten sone nord")),
        "m2": (c.municipalities[1], c.municipalities[1].unit("Hjemmetjenesten øst")),
        "m4": (c.municipalities[3], c.municipalities[3].tagged("district")[0]),
        "hf": (c.hospital, c.hospital.unit("Indremedisinsk avdeling")),
    }
    categories = {cat.code: cat for cat in CATEGORIES}
    specs = []
    for username, side, other, named, code, phase, stop, (unit, n) in SHOWCASE:
        moment = (now - timedelta(minutes=n) if unit == "minutes"
                  else add_working_days(now, -n) - timedelta(minutes=30))
        reporting_org, reporting_unit = sides[side]
        fate = {S.DRAFT: "draft", S.WITHDRAWN: "withdrawn"}.get(stop, "normal")
        specs.append(sampler.make(
            moment, categories[code], phase, reporting_org, reporting_unit, sides[other][0],
            sides[named][1].id if named else None,
            reporter_id=people.user_ids[username] if username else None, fate=fate,
            stop=stop))
    return specs


def generate_history(c: Community, cat: CatalogIds, people: People, rules: list[Rule], *,
                     now: datetime, seed: int, size: int = DEFAULT_HISTORY_SIZE
                     ) -> Counter[ReportStatus]:
    """Draw ``size`` cases up to ``now``, insert them with their timelines; flush.

    Returns the number of cases per status.
    """
    rng = random.Random(f"{seed}-history")
    sampler = Sampler(c, cat, people, rng, now)
    specs = _showcase(sampler, c, people, now)[:size]
    specs += [sampler.natural(moment) for moment in sampler.moments(size - len(specs))]
    builder = CaseBuilder(rng, Staffing(c, people, Router(rules), seed), now)
    cases = sorted((builder.build(spec) for spec in specs),
                   key=lambda case: case.row["created_at"])
    counters = _number(cases)
    _insert(cases, counters)
    return Counter(case.row["status"] for case in cases)


def _number(cases: list[Built]) -> dict[int, int]:
    """Case numbers SA-YYYY-NNNNN in order of submission, consecutive per (Oslo) year."""
    counters: dict[int, int] = {}
    submitted = sorted((case for case in cases if case.row["submitted_at"] is not None),
                       key=lambda case: case.row["submitted_at"])
    for case in submitted:
        year = to_oslo(case.row["submitted_at"]).year
        counters[year] = counters.get(year, 0) + 1
        case.row["case_number"] = f"SA-{year}-{counters[year]:05d}"
    return counters


def _insert(cases: list[Built], counters: dict[int, int]) -> None:
    if cases:
        # render_nulls keeps every row in one executemany batch (None is sent as NULL).
        statement = (insert(Report).returning(Report.id, sort_by_parameter_order=True)
                     .execution_options(render_nulls=True))
        # With the read markers' stamps the timeline implies: the last news to each side.
        rows = [{**case.row, **changes_of(case.events),
                 "changed_at": changed_at_of(case.events, case.row["created_at"])}
                for case in cases]
        ids = db.session.scalars(statement, rows).all()
        events = [{**event, "report_id": report_id}
                  for case, report_id in zip(cases, ids, strict=True)
                  for event in sorted(case.events, key=lambda e: e["created_at"])]
        if events:
            db.session.execute(insert(ReportEvent).execution_options(render_nulls=True),
                               events)
    if counters:
        db.session.execute(insert(CaseNumberCounter),
                           [{"year": year, "last_value": last}
                            for year, last in sorted(counters.items())])
    db.session.flush()
