"""The demo community's agreements, phases and transitions; its categories are in
``avvik.demo.categories``.

The agreements follow helse- og omsorgstjenesteloven § 6-2, which lists points 1 to 11
(the seed guideline: "punktene 1 - 11 ... Dette er minimumskrav"). Every point has its
*tjenesteavtale*; agreements beyond the law are the community's own local *delavtaler*,
numbered "L1", "L2", ... with no legal point, as the guideline allows ("Det kan inngås
avtaler på flere områder enn det som er konkretisert i loven").
"""

from __future__ import annotations

from dataclasses import dataclass

from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.demo.categories import CATEGORIES, CategoryDef
from avvik.extensions import db

__all__ = ["AGREEMENTS", "CATEGORIES", "PHASES", "CatalogIds", "CategoryDef",
           "create_catalog"]

#: The last point of § 6-2; a higher one would be invented.
LAST_LEGAL_POINT = 11
LOCAL_PREFIX = "Lokal delavtale: "

#: (number, point of § 6-2 or None for a local agreement, title, answer deadline in
#: working days)
AGREEMENTS: tuple[tuple[str, int | None, str, int], ...] = (
    ("1", 1, "Oppgave- og ansvarsfordeling mellom kommunen og helseforetaket", 15),
    ("2", 2, "Innleggelse, utskrivning, habilitering, rehabilitering og lærings- og "
             "mestringstilbud", 15),
    ("3", 3, "Innleggelse i sykehus", 15),
    ("4", 4, "Kommunalt øyeblikkelig hjelp døgnopphold", 10),
    ("5", 5, "Utskrivningsklare pasienter som trenger kommunale tjenester", 10),
    ("6", 6, "Kunnskapsoverføring, informasjonsutveksling, faglige nettverk og hospitering",
     15),
    ("7", 7, "Forskning, utdanning, praksis og læretid", 20),
    ("8", 8, "Jordmortjenester", 15),
    ("9", 9, "IKT-løsninger og elektronisk samhandling", 20),
    ("10", 10, "Forebygging", 15),
    ("11", 11, "Beredskapsplaner og den akuttmedisinske kjeden", 15),
    ("L1", None, LOCAL_PREFIX + "Felles planlegging og utvikling av tjenestene", 15),
    ("L2", None, LOCAL_PREFIX + "Barn og unge med behov for sammensatte tjenester", 15),
    ("L3", None, LOCAL_PREFIX + "Ledsager fra kommunen ved innleggelse i sykehus", 15),
)

#: (code, name, finer transitions as (code, name)); the phases' shares of the history
#: follow from the category weights (avvik.demo.categories).
PHASES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("A", "Innleggelse", (
        ("A1", "Henvisning og innleggelse"), ("A2", "Innleggelse fra legevakt"),
        ("A3", "Innleggelsesrapport (PLO-melding)"), ("A4", "Legemiddelopplysninger ved "
                                                             "innleggelse"))),
    ("B", "Opphold i sykehus", (
        ("B1", "Melding om innlagt pasient"), ("B2", "PLO-meldinger under oppholdet"),
        ("B3", "Avklaring av funksjonsnivå og behov"))),
    ("C", "Utskrivning", (
        ("C1", "Utskrivningsklar-melding"), ("C2", "Epikrise og utskrivningsrapport"),
        ("C3", "Legemiddelsamstemming"), ("C4", "Hjelpemidler og forbruksmateriell"),
        ("C5", "Utskrivning og hjemreise"),
        ("C6", "Individuell plan, koordinator og koordinerende enhet"))),
    ("D", "Opphold i kommunen", (
        ("D1", "PLO-meldinger"), ("D2", "Oppfølging i kommunen"),
        ("D3", "Kommunalt øyeblikkelig hjelp døgnopphold"),
        ("D4", "Individuell plan, koordinator og koordinerende enhet"),
        ("D5", "Habilitering og rehabilitering i kommunen"))),
    ("E", "Behandlingsrelatert", (
        ("E1", "Poliklinisk oppfølging"), ("E2", "Prøvesvar og undersøkelser"),
        ("E3", "Legemiddelbehandling"), ("E4", "Lærings- og mestringstilbud"))),
)


@dataclass
class CatalogIds:
    """Ids of the rows created, keyed by agreement number and code."""

    agreements: dict[str, int]
    #: agreement number -> answer deadline in working days
    answer_days: dict[str, int]
    phases: dict[str, int]
    transitions: dict[str, int]
    categories: dict[str, int]


def create_catalog(community_id: int) -> CatalogIds:
    """Create the agreements, phases, transitions and categories; flush."""
    agreements = {number: Agreement(health_community_id=community_id, number=number,
                                    title=title, legal_point=point, acknowledge_days=2,
                                    answer_days=days)
                  for number, point, title, days in AGREEMENTS}
    phases: dict[str, Phase] = {}
    transitions: dict[str, Transition] = {}
    for order, (code, name, steps) in enumerate(PHASES, start=1):
        phases[code] = Phase(health_community_id=community_id, code=code, name=name,
                             sort_order=order)
        for step_order, (step_code, step_name) in enumerate(steps, start=1):
            transitions[step_code] = Transition(phase=phases[code], code=step_code,
                                                name=step_name, sort_order=step_order)
    categories = {
        cat.code: Category(health_community_id=community_id, code=cat.code, name=cat.name,
                           phase=phases[cat.phase] if cat.phase else None,
                           sort_order=order * 10)
        for order, cat in enumerate(CATEGORIES, start=1)
    }
    db.session.add_all([*agreements.values(), *phases.values(), *transitions.values(),
                        *categories.values()])
    db.session.flush()
    return CatalogIds(
        agreements={number: row.id for number, row in agreements.items()},
        answer_days={number: days for number, _point, _title, days in AGREEMENTS},
        phases={code: row.id for code, row in phases.items()},
        transitions={code: row.id for code, row in transitions.items()},
        categories={code: row.id for code, row in categories.items()},
    )
