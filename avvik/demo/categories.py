"""The demo community's deviation categories, with the weights that shape the history.

``weight`` is the category's share of all reports in percent, ``group`` is the family the
shares of domain.md §7 are stated for, and ``culprit`` says which side usually caused it,
which decides the direction of the reports (a missing epicrisis is reported to the
hospital). ``agreements`` says which service agreements (by the community's number) the
cases concern, and how often: every agreement of the catalogue is the main one of at least
one category. The topics of the seed texts (habilitation and rehabilitation, individual
plan, coordinator, *koordinerende enhet*, learning and coping services) have their own
categories in the group ``coordination``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CategoryDef:
    code: str
    name: str
    #: Phase code, or None for a category offered in every phase.
    phase: str | None
    #: medication, epicrisis, notice, timing, aids, coordination, other, improvement,
    #: good_catch
    group: str
    #: "hf" (the hospital side usually caused it), "primary" (the municipality or GP did),
    #: or "either".
    culprit: str
    #: Share in percent: one number for a phase's category, per phase for a shared one.
    weight: float | dict[str, float]
    transitions: tuple[str, ...] = ()
    #: agreement number -> weight
    agreements: dict[str, float] = field(default_factory=dict)
    #: Overrides the culprit's direction affinity (to HF, to municipality, other).
    affinity: tuple[float, float, float] | None = None

    @property
    def main_agreement(self) -> str:
        """The agreement most of the category's cases concern (the first on a tie)."""
        return max(self.agreements, key=lambda number: self.agreements[number])


#: The categories every agreement can have ("Annet", proposals); not specific to one.
GENERIC = ("ANNET", "FORBEDRINGSFORSLAG", "GOD-FANGST")
_ANY_AGREEMENT = {"1": 2, "2": 4, "3": 2, "5": 3, "6": 3, "7": 1, "8": 0.5, "9": 2,
                  "10": 0.5, "11": 1, "L1": 1, "L2": 0.5, "L3": 0.5}
C = CategoryDef

CATEGORIES: tuple[CategoryDef, ...] = (
    C("A-HENVISNING", "Henvisning eller innleggelsesskriv mangler opplysninger", "A", "other",
      "primary", 6, ("A1", "A2"), {"3": 1}),
    C("A-LEGEMIDDEL", "Legemiddelliste mangler eller er feil ved innleggelse", "A",
      "medication", "primary", 4, ("A4",), {"3": 3, "2": 2}),
    C("A-INNLEGGELSESRAPPORT", "Innleggelsesrapport (PLO) ikke sendt eller mangelfull", "A",
      "notice", "primary", 3, ("A3",), {"3": 7, "9": 3}, affinity=(0.05, 1.0, 0.0)),
    C("A-AKUTT", "Pasient sendt tilbake eller ventet lenge uten avklaring", "A", "other",
      "hf", 2, ("A1", "A2"), {"3": 4, "11": 1}),
    C("A-AKUTTKJEDE", "Uklar ansvarsfordeling i den akuttmedisinske kjeden (legevakt, "
      "ambulanse, akuttmottak)", "A", "other", "either", 0.4, ("A2",), {"11": 3, "3": 1}),
    C("A-LEDSAGER", "Behov for ledsager fra kommunen ved innleggelse ikke avklart", "A",
      "other", "either", 0.4, ("A1",), {"L3": 3, "3": 1}),
    C("B-MELDING-INNLAGT", "Melding om innlagt pasient mangler eller kom for sent", "B",
      "notice", "hf", 4.5, ("B1",), {"5": 7, "9": 3}, affinity=(1.0, 0.0, 0.0)),
    C("B-PLO", "Elektronisk melding ikke sendt, ikke besvart eller feiladressert", "B",
      "other", "either", 2.5, ("B2",), {"9": 4, "6": 1}, affinity=(1.0, 0.4, 0.0)),
    C("B-FUNKSJON", "Funksjonsnivå og hjelpebehov ikke avklart med kommunen", "B", "other",
      "hf", 1.8, ("B3",), {"5": 3, "2": 2}),
    C("B-HABILITERING-REHABILITERING", "Behov for habilitering eller rehabilitering ikke "
      "kartlagt eller meldt til kommunen", "B", "coordination", "hf", 0.6, ("B3",),
      {"2": 3, "5": 1}),
    C("C-LEGEMIDDELLISTE", "Legemiddelliste mangler eller er feil", "C", "medication", "hf",
      11, ("C3",), {"2": 1, "5": 1}),
    C("C-RESEPTER", "Resepter mangler eller er ikke fornyet", "C", "medication", "hf", 4,
      ("C3",), {"2": 1, "5": 1}),
    C("C-EPIKRISE", "Epikrise mangler, er forsinket eller ufullstendig", "C", "epicrisis",
      "hf", 10, ("C2",), {"5": 3, "6": 2}),
    C("C-SYKEPLEIERAPPORT", "Utskrivningsrapport fra sykepleier mangler eller er mangelfull",
      "C", "epicrisis", "hf", 3, ("C2",), {"5": 1}),
    C("C-UTSKRIVNINGSKLAR", "Melding om utskrivningsklar pasient mangler eller kom for sent",
      "C", "notice", "hf", 5, ("C1",), {"5": 1}, affinity=(1.0, 0.0, 0.02)),
    C("C-TIDSPUNKT", "Utskrevet for tidlig, sent på dagen, i helg eller uten avtale", "C",
      "timing", "hf", 10, ("C5", "C1"), {"5": 1}),
    C("C-HJELPEMIDLER", "Hjelpemidler, utstyr eller forbruksmateriell mangler", "C", "aids",
      "hf", 5, ("C4",), {"5": 1, "2": 1}),
    C("C-IKKE-MOTTATT", "Kommunen tok ikke imot utskrivningsklar pasient", "C", "other",
      "primary", 1.8, ("C1", "C5"), {"5": 1}, affinity=(0.02, 1.0, 0.03)),
    C("C-INFORMASJON", "Pasient eller pårørende ikke informert", "C", "other", "either",
      0.5, ("C5", "C1"), {"2": 1}),
    C("C-INDIVIDUELL-PLAN", "Behov for individuell plan (IP) eller koordinator ikke meldt "
      "til koordinerende enhet", "C", "coordination", "hf", 0.5, ("C6",), {"2": 3, "5": 1}),
    C("C-SMITTE", "Opplysninger om smitte eller behov for isolasjon ikke formidlet", "C",
      "other", "hf", 0.4, ("C2",), {"10": 2, "5": 1}),
    C("C-BARSEL", "Melding til kommunens jordmor eller helsestasjon etter fødsel mangler",
      "C", "notice", "hf", 0.2, ("C2",), {"8": 3}),
    C("D-OPPFOLGING", "Avtalt oppfølging ikke gjennomført", "D", "other", "either", 2.2,
      ("D2",), {"2": 1}),
    C("D-PLO", "PLO-melding ikke besvart eller feiladressert", "D", "other", "either", 1.6,
      ("D1",), {"9": 1}, affinity=(1.0, 0.4, 0.0)),
    C("D-HJELPEMIDLER", "Hjelpemidler ikke levert eller ikke tilpasset", "D", "aids",
      "either", 1.8, ("D2",), {"2": 1}),
    C("D-KAD", "Uklar avklaring ved innleggelse i kommunalt øyeblikkelig hjelp "
      "døgnopphold", "D", "other", "either", 1, ("D3",), {"4": 1}, affinity=(1.0, 0.4, 0.0)),
    C("D-INDIVIDUELL-PLAN", "Arbeidet med individuell plan (IP) ikke videreført da "
      "pasienten skiftet arena", "D", "coordination", "either", 0.4, ("D4",),
      {"2": 3, "1": 1}),
    C("D-KOORDINATOR", "Koordinator ikke oppnevnt, eller ikke kjent for samarbeidspartene",
      "D", "coordination", "primary", 0.3, ("D4",), {"2": 3}),
    C("D-KOORDINERENDE-ENHET", "Koordinerende enhet ikke involvert, eller henvendelse ikke "
      "besvart", "D", "coordination", "either", 0.3, ("D4",), {"2": 2, "1": 1}),
    C("D-HABILITERING-REHABILITERING", "Avtalt habilitering eller rehabilitering ikke "
      "startet eller ikke videreført", "D", "coordination", "either", 0.5, ("D5",),
      {"2": 3, "5": 1}),
    C("D-VEILEDNING", "Avtalt veiledning eller ambulant bistand fra spesialisthelsetjenesten "
      "ikke gitt", "D", "other", "hf", 0.3, ("D2",), {"6": 2, "2": 1}),
    C("D-BARN-UNGE", "Barn eller unge med sammensatte behov: ansvarsgruppe eller "
      "oppfølging ikke på plass", "D", "coordination", "either", 0.2, ("D4",),
      {"L2": 3, "2": 1}),
    C("E-LEGEMIDDEL", "Uklarheter i legemiddelbehandling etter poliklinisk kontroll", "E",
      "medication", "hf", 3.5, ("E3",), {"2": 1}),
    C("E-NOTAT", "Poliklinisk notat eller epikrise mangler", "E", "epicrisis", "hf", 3.5,
      ("E1",), {"6": 1}),
    C("E-POLIKLINIKK", "Poliklinisk time eller kontroll ikke gitt som avtalt", "E", "other",
      "hf", 2, ("E1",), {"1": 1, "2": 1}),
    C("E-PROVESVAR", "Prøvesvar eller undersøkelsesresultat ikke formidlet", "E", "other",
      "hf", 1, ("E2",), {"6": 1}),
    C("E-LAERING-MESTRING", "Lærings- og mestringstilbud ikke tilbudt eller ikke formidlet "
      "til kommunen", "E", "coordination", "hf", 0.3, ("E4",), {"2": 3}),
    C("SAMSONE", "Uklart hvilket nivå som har ansvaret (pasienten blir en «kasteball»)",
      None, "other", "either", {"B": 0.2, "C": 0.3}, (), {"1": 3, "2": 1}),
    C("ENDRET-TILBUD", "Endring i tilbud eller kapasitet ikke varslet til eller drøftet med "
      "den andre parten", None, "other", "either", {"C": 0.2}, (), {"L1": 3, "1": 1}),
    C("KOMPETANSE", "Avtalt hospitering, opplæring eller faglig nettverk mellom partene ikke "
      "gjennomført", None, "other", "either", {"B": 0.1, "E": 0.1}, (), {"6": 3}),
    C("PRAKSIS", "Avtalt praksisplass eller veiledning av studenter og lærlinger ikke "
      "gjennomført", None, "other", "either", {"B": 0.1}, (), {"7": 3}),
    C("ANNET", "Annet", None, "other", "either",
      {"A": 0.7, "B": 0.5, "C": 0.1, "D": 0.4, "E": 0.4}, (), _ANY_AGREEMENT),
    C("FORBEDRINGSFORSLAG", "Forbedringsforslag", None, "improvement", "either",
      {"A": 0.9, "B": 0.6, "C": 0.1, "E": 0.3}, (), _ANY_AGREEMENT),
    C("GOD-FANGST", "God fangst (avvik avverget)", None, "good_catch", "either",
      {"A": 0.6, "B": 0.4, "C": 0.1, "E": 0.1}, (), {"2": 2, "3": 1, "5": 2, "6": 1}),
)
