"""Norwegian descriptions of the synthetic cases, a few per category. All of it is
invented and generic: no names, no dates of birth, no identity numbers, nothing that could
point at a patient. ``{when}`` is filled in with a time of day."""

from __future__ import annotations

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
    "A-AKUTTKJEDE": (
        "Legevakten og akuttmottaket var uenige om hvem som skulle vurdere pasienten, og "
        "avklaringen tok lang tid.",
        "Ambulansen ble sendt til legevakten, men pasienten skulle etter avtalen rett til "
        "akuttmottaket."),
    "A-LEDSAGER": (
        "Pasienten trengte ledsager fra kommunen ved innleggelse; det var ikke avklart hvem "
        "som skulle følge eller hvem som dekker utgiftene.",
        "Ledsager fra bofellesskapet måtte bli på sykehuset {when} uten at dette var avtalt."),
    "B-HABILITERING-REHABILITERING": (
        "Behovet for rehabilitering etter utskrivning ble ikke kartlagt under oppholdet, og "
        "kommunen fikk ikke melding i tide.",
        "Kommunen fikk ikke vite at pasienten trengte habiliteringstjenester før dagen før "
        "utskrivning."),
    "C-INDIVIDUELL-PLAN": (
        "Pasienten hadde behov for individuell plan, men koordinerende enhet i kommunen fikk "
        "ikke melding før utskrivning.",
        "Det ble ikke meldt om behov for koordinator, selv om pasienten trenger tjenester fra "
        "begge nivåer over lang tid."),
    "C-SMITTE": (
        "Opplysning om smitte og behov for isolasjon fulgte ikke med ved utskrivning, og "
        "sykehjemmet fikk vite det først etter ankomst.",
        "Utskrivningsrapporten sa ikke noe om smittestatus; prøvesvar kom dagen etter."),
    "C-BARSEL": (
        "Melding til helsestasjonen etter fødsel kom ikke, og hjemmebesøk ble forsinket.",
        "Jordmortjenesten i kommunen fikk ikke melding om hjemreise etter fødsel."),
    "D-INDIVIDUELL-PLAN": (
        "Arbeidet med den individuelle planen stoppet opp da pasienten ble innlagt, og "
        "ingen tok det opp igjen etter utskrivning.",
        "Tiltak i den individuelle planen ble ikke fulgt opp etter overflytting mellom "
        "institusjon og hjem."),
    "D-KOORDINATOR": (
        "Pasienten har rett til koordinator, men ingen er oppnevnt, og sykehuset visste "
        "ikke hvem de skulle kontakte.",
        "Koordinator var byttet uten at samarbeidspartene fikk beskjed."),
    "D-KOORDINERENDE-ENHET": (
        "Henvendelse til koordinerende enhet om behov for koordinerte tjenester ble ikke "
        "besvart.",
        "Koordinerende enhet ble ikke trukket inn før utskrivning, selv om behovet var kjent."),
    "D-HABILITERING-REHABILITERING": (
        "Avtalt rehabilitering i kommunen startet ikke som planlagt etter utskrivning.",
        "Opptreningsplanen fra sykehuset ble ikke videreført, og det var uklart hvem som "
        "hadde ansvaret."),
    "D-VEILEDNING": (
        "Avtalt veiledning fra spesialisthelsetjenesten om oppfølging i hjemmet ble ikke "
        "gitt.",
        "Ambulant team kom ikke som avtalt, og kommunen måtte finne løsninger alene."),
    "D-BARN-UNGE": (
        "Ansvarsgruppemøte før utskrivning av et barn med sammensatte behov ble ikke holdt.",
        "Det var uklart hvem som skulle følge opp et barn med sammensatte behov etter "
        "utskrivning."),
    "E-LAERING-MESTRING": (
        "Pasienten ble ikke informert om lærings- og mestringstilbudet som var avtalt.",
        "Kommunen fikk ikke vite om lærings- og mestringskurset, og kunne ikke følge opp."),
    "SAMSONE": (
        "Sykehuset og kommunen var uenige om hvem som hadde ansvaret, og oppgaven ble ikke "
        "gjort.",
        "Pasienten ble sendt mellom nivåene uten at noen tok ansvar for helheten."),
    "ENDRET-TILBUD": (
        "Sengeposten ble stengt i ferien uten at kommunene ble varslet.",
        "Endret åpningstid ved legevakten ble ikke drøftet med sykehuset på forhånd."),
    "KOMPETANSE": (
        "Avtalt hospitering for sykepleiere fra kommunen ble avlyst uten ny dato.",
        "Planlagt opplæring i nytt behandlingsopplegg ble ikke gjennomført før utskrivning."),
    "PRAKSIS": (
        "Avtalt praksisplass for sykepleierstudenter ble ikke gitt.",
        "Veiledning av lærling i helsefag ble ikke gjennomført som avtalt mellom partene."),
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
