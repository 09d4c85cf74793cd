"""The demo community's agreements, phases, transitions and categories.

The category table also carries the weights that shape the synthetic history (domain.md
§7): ``weight`` is the category's share of all reports in percent, ``group`` is the family
the shares of §7 are stated for, and ``culprit`` says which side usually caused it, which
decides the direction of the reports (a missing epicrisis is reported to the hospital).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.extensions import db

#: (legal point of § 6-2, title, answer deadline in working days)
AGREEMENTS: tuple[tuple[int, str, int], ...] = (
    (1, "Oppgave- og ansvarsfordeling mellom kommunen og helseforetaket", 15),
    (2, "Innleggelse, utskrivning, habilitering, rehabilitering og lærings- og "
        "mestringstilbud", 15),
    (3, "Innleggelse i sykehus", 15),
    (4, "Kommunalt øyeblikkelig hjelp døgnopphold", 10),
    (5, "Utskrivningsklare pasienter som trenger kommunale tjenester", 10),
    (6, "Kunnskapsoverføring, informasjonsutveksling og faglige nettverk", 15),
    (7, "Forskning, utdanning, praksis og læretid", 20),
    (8, "Jordmortjenester", 15),
    (9, "IKT-løsninger og elektronisk samhandling", 20),
    (10, "Forebygging", 15),
    (11, "Beredskapsplaner og den akuttmedisinske kjeden", 15),
    (12, "Felles planlegging og utvikling av tjenestene", 15),
    (13, "Barn og unge med behov for sammensatte tjenester", 15),
)

#: (code, name, finer transitions as (code, name)); the phases' shares of the history
#: follow from the category weights below.
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
        ("C5", "Utskrivning og hjemreise"))),
    ("D", "Opphold i kommunen", (
        ("D1", "PLO-meldinger"), ("D2", "Oppfølging i kommunen"),
        ("D3", "Kommunalt øyeblikkelig hjelp døgnopphold"))),
    ("E", "Behandlingsrelatert", (
        ("E1", "Poliklinisk oppfølging"), ("E2", "Prøvesvar og undersøkelser"),
        ("E3", "Legemiddelbehandling"))),
)


@dataclass(frozen=True)
class CategoryDef:
    code: str
    name: str
    #: Phase code, or None for a category offered in every phase.
    phase: str | None
    #: medication, epicrisis, notice, timing, aids, other, improvement, good_catch
    group: str
    #: "hf" (the hospital side usually caused it), "primary" (the municipality or GP did),
    #: or "either".
    culprit: str
    #: Share in percent: one number for a phase's category, per phase for a shared one.
    weight: float | dict[str, float]
    transitions: tuple[str, ...] = ()
    #: legal point -> weight
    agreements: dict[int, float] = field(default_factory=dict)
    #: Overrides the culprit's direction affinity (to HF, to municipality, other).
    affinity: tuple[float, float, float] | None = None


_ANY_AGREEMENT = {1: 2, 2: 4, 3: 2, 5: 3, 6: 3, 7: 1, 8: 0.5, 9: 2, 10: 0.5, 11: 1,
                  12: 1, 13: 0.5}

CATEGORIES: tuple[CategoryDef, ...] = (
    CategoryDef("A-HENVISNING", "Henvisning eller innleggelsesskriv mangler opplysninger",
                "A", "other", "primary", 6, ("A1", "A2"), {3: 1}),
    CategoryDef("A-LEGEMIDDEL", "Legemiddelliste mangler eller er feil ved innleggelse",
                "A", "medication", "primary", 4, ("A4",), {3: 3, 2: 2}),
    CategoryDef("A-INNLEGGELSESRAPPORT", "Innleggelsesrapport (PLO) ikke sendt eller "
                "mangelfull", "A", "notice", "primary", 3, ("A3",), {3: 7, 9: 3},
                affinity=(0.05, 1.0, 0.0)),
    CategoryDef("A-AKUTT", "Pasient sendt tilbake eller ventet lenge uten avklaring",
                "A", "other", "hf", 2, ("A1", "A2"), {3: 4, 11: 1}),
    CategoryDef("B-MELDING-INNLAGT", "Melding om innlagt pasient mangler eller kom for sent",
                "B", "notice", "hf", 4.5, ("B1",), {5: 7, 9: 3}, affinity=(1.0, 0.0, 0.0)),
    CategoryDef("B-PLO", "Elektronisk melding ikke sendt, ikke besvart eller feiladressert",
                "B", "other", "either", 2.5, ("B2",), {9: 4, 6: 1}, affinity=(1.0, 0.4, 0.0)),
    CategoryDef("B-FUNKSJON", "Funksjonsnivå og hjelpebehov ikke avklart med kommunen",
                "B", "other", "hf", 2, ("B3",), {5: 3, 2: 2}),
    CategoryDef("C-LEGEMIDDELLISTE", "Legemiddelliste mangler eller er feil", "C",
                "medication", "hf", 11, ("C3",), {2: 1, 5: 1}),
    CategoryDef("C-RESEPTER", "Resepter mangler eller er ikke fornyet", "C", "medication",
                "hf", 4, ("C3",), {2: 1, 5: 1}),
    CategoryDef("C-EPIKRISE", "Epikrise mangler, er forsinket eller ufullstendig", "C",
                "epicrisis", "hf", 10, ("C2",), {5: 3, 6: 2}),
    CategoryDef("C-SYKEPLEIERAPPORT", "Utskrivningsrapport fra sykepleier mangler eller er "
                "mangelfull", "C", "epicrisis", "hf", 3, ("C2",), {5: 1}),
    CategoryDef("C-UTSKRIVNINGSKLAR", "Melding om utskrivningsklar pasient mangler eller kom "
                "for sent", "C", "notice", "hf", 5, ("C1",), {5: 1}, affinity=(1.0, 0.0, 0.02)),
    CategoryDef("C-TIDSPUNKT", "Utskrevet for tidlig, sent på dagen, i helg eller uten "
                "avtale", "C", "timing", "hf", 10, ("C5", "C1"), {5: 1}),
    CategoryDef("C-HJELPEMIDLER", "Hjelpemidler, utstyr eller forbruksmateriell mangler",
                "C", "aids", "hf", 5, ("C4",), {5: 1, 2: 1}),
    CategoryDef("C-IKKE-MOTTATT", "Kommunen tok ikke imot utskrivningsklar pasient", "C",
                "other", "primary", 2, ("C1", "C5"), {5: 1}, affinity=(0.02, 1.0, 0.03)),
    CategoryDef("C-INFORMASJON", "Pasient eller pårørende ikke informert", "C", "other",
                "either", 0.5, ("C5", "C1"), {2: 1}),
    CategoryDef("D-OPPFOLGING", "Avtalt oppfølging ikke gjennomført", "D", "other", "either",
                3, ("D2",), {2: 1}),
    CategoryDef("D-PLO", "PLO-melding ikke besvart eller feiladressert", "D", "other",
                "either", 2, ("D1",), {9: 1}, affinity=(1.0, 0.4, 0.0)),
    CategoryDef("D-HJELPEMIDLER", "Hjelpemidler ikke levert eller ikke tilpasset", "D",
                "aids", "either", 2, ("D2",), {2: 1}),
    CategoryDef("D-KAD", "Uklar avklaring ved innleggelse i kommunalt øyeblikkelig hjelp "
                "døgnopphold", "D", "other", "either", 1, ("D3",), {4: 1},
                affinity=(1.0, 0.4, 0.0)),
    CategoryDef("E-LEGEMIDDEL", "Uklarheter i legemiddelbehandling etter poliklinisk "
                "kontroll", "E", "medication", "hf", 3.5, ("E3",), {2: 1}),
    CategoryDef("E-NOTAT", "Poliklinisk notat eller epikrise mangler", "E", "epicrisis", "hf",
                3.5, ("E1",), {6: 1}),
    CategoryDef("E-POLIKLINIKK", "Poliklinisk time eller kontroll ikke gitt som avtalt", "E",
                "other", "hf", 2, ("E1",), {1: 1, 2: 1}),
    CategoryDef("E-PROVESVAR", "Prøvesvar eller undersøkelsesresultat ikke formidlet", "E",
                "other", "hf", 1, ("E2",), {6: 1}),
    CategoryDef("ANNET", "Annet", None, "other", "either",
                {"A": 1.5, "B": 1.0, "C": 0.3, "D": 1.0, "E": 0.6}, (), _ANY_AGREEMENT),
    CategoryDef("FORBEDRINGSFORSLAG", "Forbedringsforslag", None, "improvement", "either",
                {"A": 0.9, "B": 0.6, "C": 0.1, "E": 0.3}, (), _ANY_AGREEMENT),
    CategoryDef("GOD-FANGST", "God fangst (avvik avverget)", None, "good_catch", "either",
                {"A": 0.6, "B": 0.4, "C": 0.1, "E": 0.1}, (), {2: 2, 3: 1, 5: 2, 6: 1}),
)


@dataclass
class CatalogIds:
    """Ids of the rows created, keyed by legal point and code."""

    agreements: dict[int, int]
    #: legal point -> answer deadline in working days
    answer_days: dict[int, int]
    phases: dict[str, int]
    transitions: dict[str, int]
    categories: dict[str, int]


def create_catalog(community_id: int) -> CatalogIds:
    """Create the agreements, phases, transitions and categories; flush."""
    agreements = {point: Agreement(health_community_id=community_id, number=str(point),
                                   title=title, legal_point=point, acknowledge_days=2,
                                   answer_days=days)
                  for point, title, days in AGREEMENTS}
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
        agreements={point: row.id for point, row in agreements.items()},
        answer_days={point: days for point, _title, days in AGREEMENTS},
        phases={code: row.id for code, row in phases.items()},
        transitions={code: row.id for code, row in transitions.items()},
        categories={code: row.id for code, row in categories.items()},
    )
