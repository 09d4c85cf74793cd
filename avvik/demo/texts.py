"""Norwegian free text for the synthetic cases. All of it is invented and generic: no
names, no dates of birth, no identity numbers, nothing that could point at a patient."""

from __future__ import annotations

import random

WHEN = ("fredag ettermiddag", "sent på kvelden", "i helgen", "like før vaktskiftet",
        "etter kl. 20", "på ettermiddagsvakt", "på nattevakt", "rett etter lunsj")

DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "A-HENVISNING": (
        "Innleggelsesskrivet manglet opplysninger om funksjonsnivå og aktuelle legemidler.",
        "Henvisningen ga ikke svar på hva som var problemstillingen, og det var uklart "
        "hvem som hadde fulgt opp pasienten hjemme."),
    "A-LEGEMIDDEL": (
        "Legemiddellisten som fulgte pasienten ved innleggelse var ikke oppdatert etter "
        "siste endring hos fastlegen.",
        "Ved innleggelse manglet legemiddelliste; opplysningene måtte innhentes per "
        "telefon {when}."),
    "A-INNLEGGELSESRAPPORT": (
        "Innleggelsesrapport fra hjemmetjenesten kom ikke, selv om pasienten har "
        "daglige tjenester.",
        "Innleggelsesrapporten manglet opplysninger om ernæring og hjelpebehov."),
    "A-AKUTT": (
        "Pasienten ble sendt tilbake fra akuttmottaket {when} uten at kommunen fikk "
        "beskjed om videre plan.",
        "Lang ventetid i akuttmottaket før avklaring; legevakten fikk ikke tilbakemelding."),
    "B-MELDING-INNLAGT": (
        "Kommunen fikk ikke melding om innlagt pasient før tre dager etter innleggelse.",
        "Hjemmetjenesten reiste på besøk til en pasient som var innlagt; melding om "
        "innleggelse var ikke sendt."),
    "B-PLO": (
        "Forespørsel om helseopplysninger ble ikke besvart før etter flere dager.",
        "PLO-melding ble sendt til feil mottaker og ble liggende ubehandlet."),
    "B-FUNKSJON": (
        "Kommunen ble ikke invitert til samarbeidsmøte før utskrivning, og hjelpebehovet "
        "var ikke avklart.",
        "Opplysninger om endret funksjonsnivå kom først på utskrivningsdagen."),
    "C-LEGEMIDDELLISTE": (
        "Pasienten ble utskrevet uten oppdatert legemiddelliste; epikrisen viste til "
        "endringer som ikke stod på listen.",
        "Legemiddellisten ved utskrivning inneholdt et preparat som var seponert under "
        "oppholdet.",
        "Ved hjemkomst {when} manglet legemiddelliste, og hjemmetjenesten kunne ikke "
        "dosere kveldsmedisinen."),
    "C-RESEPTER": (
        "Resepter på nye legemidler var ikke sendt, og apoteket kunne ikke ekspedere.",
        "Pasienten kom hjem {when} uten resept på smertestillende som var startet på "
        "sykehuset."),
    "C-EPIKRISE": (
        "Epikrise var ikke mottatt ved hjemkomst og kom først etter en uke.",
        "Epikrisen manglet plan for videre oppfølging og hvem som har ansvaret.",
        "Foreløpig epikrise fulgte ikke pasienten ved utskrivning {when}."),
    "C-SYKEPLEIERAPPORT": (
        "Utskrivningsrapport fra sykepleier manglet opplysninger om sårstell.",
        "Sykepleieepikrise kom ikke, og hjemmetjenesten visste ikke om endret hjelpebehov."),
    "C-UTSKRIVNINGSKLAR": (
        "Melding om utskrivningsklar pasient kom samme dag som pasienten ble sendt hjem.",
        "Kommunen fikk ikke varsel om forventet utskrivningsdato før pasienten var på vei."),
    "C-TIDSPUNKT": (
        "Pasienten ble utskrevet {when} uten at dette var avtalt med kommunen.",
        "Pasienten kom til sykehjemmet {when}, da det var lite personale på vakt.",
        "Utskrivning skjedde dagen før avtalt dato, og tjenestene var ikke på plass."),
    "C-HJELPEMIDLER": (
        "Pasienten kom hjem uten nødvendig forbruksmateriell til stomi.",
        "Hjelpemidler som var avtalt før utskrivning var ikke bestilt."),
    "C-IKKE-MOTTATT": (
        "Kommunen kunne ikke ta imot utskrivningsklar pasient på avtalt dag, og pasienten "
        "ble liggende på sykehuset.",
        "Utskrivningsklar pasient ble ikke tatt imot før etter flere dager; plass ble ikke "
        "funnet i kommunen."),
    "C-INFORMASJON": (
        "Pårørende var ikke informert om utskrivningen og møtte ikke opp som avtalt.",
        "Pasienten var ikke informert om ny medisinering og avtale om kontroll."),
    "D-OPPFOLGING": (
        "Avtalt oppfølging etter utskrivning ble ikke gjennomført.",
        "Planlagt hjemmebesøk etter utskrivning ble ikke fulgt opp."),
    "D-PLO": (
        "Forespørsel via PLO-melding ble ikke besvart innen avtalt tid.",
        "Meldingen ble sendt til feil adresse og kom ikke frem til rett enhet."),
    "D-HJELPEMIDLER": (
        "Hjelpemidler ble levert, men var ikke tilpasset, og pasienten kunne ikke bruke dem.",
        "Levering av hjelpemidler ble forsinket med over en uke."),
    "D-KAD": (
        "Pasient ble lagt inn på kommunal akutt døgnenhet uten at kriteriene var avklart.",
        "Uklart ansvar for videre utredning etter opphold på kommunal akutt døgnenhet."),
    "E-LEGEMIDDEL": (
        "Endring i legemiddelbehandling etter poliklinisk kontroll ble ikke formidlet.",
        "Dosering etter poliklinisk time var uklar, og fastlegen fikk ikke beskjed."),
    "E-NOTAT": (
        "Poliklinisk notat ble ikke sendt etter kontroll.",
        "Fastlegen fikk ikke epikrise etter dagbehandling."),
    "E-POLIKLINIKK": (
        "Avtalt poliklinisk kontroll ble ikke satt opp.",
        "Innkalling til poliklinisk time kom ikke, og kontrollen ble utsatt."),
    "E-PROVESVAR": (
        "Prøvesvar som krevde oppfølging ble ikke formidlet til kommunen.",
        "Resultat av undersøkelse ble ikke sendt til den som skulle følge opp."),
    "ANNET": (
        "Uklar ansvarsfordeling mellom enhetene førte til at en oppgave ikke ble gjort.",
        "Telefon til avdelingen ble ikke besvart {when}, og avklaringen ble forsinket."),
    "FORBEDRINGSFORSLAG": (
        "Forslag: fast tidspunkt for telefonmøte før utskrivning av pasienter med "
        "omfattende behov.",
        "Forslag: sjekkliste for hjelpemidler i utskrivningsrapporten."),
    "GOD-FANGST": (
        "Feil i legemiddellisten ble oppdaget ved samstemming før første dose; ingen skade.",
        "Manglende avtale om oppfølging ble fanget opp i samarbeidsmøtet før utskrivning."),
}

IMMEDIATE = ("Kontaktet avdelingen per telefon og fikk avklart.", "Fastlege kontaktet.",
             "Legevakten kontaktet for avklaring.", "Innhentet opplysninger fra pårørende.",
             "Nødvendige tiltak satt i verk samme dag.", "")
SUGGESTIONS = ("Bedre rutine for samstemming før utskrivning.",
               "Ønsker at avtalen følges: varsel minst en dag før utskrivning.",
               "Felles gjennomgang av saken i samarbeidsmøtet.", "", "")
CAUSES = ("Rutinen ble ikke fulgt på grunn av stor arbeidsbelastning.",
          "Ny medarbeider kjente ikke rutinen.",
          "Kommunikasjonssvikt ved vaktskifte.",
          "Teknisk feil i meldingsutvekslingen.",
          "Uklar ansvarsfordeling mellom lege og sykepleier.",
          "Rutinen dekket ikke denne situasjonen.")
MEASURES = ("Saken er gjennomgått på personalmøte, og rutinen er repetert.",
            "Rutinen er oppdatert og gjort kjent for alle ansatte.",
            "Sjekkliste for utskrivning er innført.",
            "Tatt opp med lege og sykepleier som var involvert.",
            "Meldt videre til fagråd for felles oppfølging.")
COMMENTS = ("Vi har bedt om mer informasjon fra avdelingen og kommer tilbake.",
            "Kan dere beskrive nærmere når meldingen ble sendt?",
            "Saken er drøftet med leder; vi undersøker videre.",
            "Takk for meldingen. Vi ser på rutinene våre.",
            "Tilleggsopplysning: det samme skjedde også uken før.")
REOPEN_REASONS = ("Svaret beskriver ikke hvilke tiltak som er gjort.",
                  "Vi er uenige i årsaksforklaringen og ønsker ny vurdering.")
FORWARD_REASONS = ("Saken gjelder en annen enhet; videresendt.",
                   "Feilrutet; videresendt til rett avdeling.")
WITHDRAW_REASONS = ("Meldingen ble opprettet ved en feil.", "Dobbeltregistrert.")

#: Measures (tiltak) a unit's leader starts after a run of cases of one kind; the title
#: is followed by the category's name.
MEASURE_TITLES = ("Ny sjekkliste", "Opplæring for nyansatte", "Fast rutine for samstemming",
                  "Revidert prosedyre", "Felles gjennomgang i samarbeidsmøtet",
                  "Tydeligere ansvarsfordeling", "Påminnelse i journalsystemet",
                  "Faste telefonmøter før utskrivning", "Oppdatert mal for meldinger")
MEASURE_DESCRIPTIONS = (
    "Rutinen gjennomgås på personalmøte og gjøres kjent for alle ansatte.",
    "Sjekklisten tas i bruk på alle vakter og følges opp av leder.",
    "Alle nyansatte får opplæring i rutinen den første arbeidsuken.",
    "Ansvaret for oppgaven legges til en fast funksjon på hver vakt.",
    "Saken tas opp i samarbeidsmøtet, og partene blir enige om felles praksis.",
    "Fagutviklingssykepleier følger opp at rutinen blir fulgt.")
EVALUATION_NOTES = (
    "Færre avvik av denne typen etter at tiltaket ble innført.",
    "Antallet avvik er omtrent uendret; rutinen må følges opp videre.",
    "Tiltaket har virket, og rutinen videreføres.",
    "Noe nedgang i avvik, men ikke på alle vakter; ny gjennomgang er planlagt.",
    "Avvikene har gått ned, og sjekklisten er nå en fast del av arbeidet.")


def description(rng: random.Random, category_code: str) -> str:
    return rng.choice(DESCRIPTIONS[category_code]).format(when=rng.choice(WHEN))


def pick(rng: random.Random, options: tuple[str, ...]) -> str:
    return rng.choice(options)
