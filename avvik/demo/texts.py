"""Norwegian free text for the synthetic cases. All of it is invented and generic: no
names, no dates of birth, no identity numbers, nothing that could point at a patient."""

from __future__ import annotations

import random

from avvik.demo.descriptions import DESCRIPTIONS

WHEN = ("fredag ettermiddag", "sent på kvelden", "i helgen", "like før vaktskiftet",
        "etter kl. 20", "på ettermiddagsvakt", "på nattevakt", "rett etter lunsj")

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
