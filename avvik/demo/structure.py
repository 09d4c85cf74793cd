"""The fictional health community: one hospital trust, four municipalities, GP offices and
a private rehabilitation institution, each with its unit tree.

Every unit carries a ``tag`` (what kind of service it is) so that people, routing rules
and the history can pick "the allocation office of this municipality" without names.

The hospital trust and every municipality have a *koordinerende enhet for habilitering og
rehabilitering* (tag ``coordinating``), an ordinary unit that reports and receives cases:
the seed guideline asks that these units be visible in the cooperation between the levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from avvik.extensions import db
from avvik.organizations.models import HealthCommunity, Organization, OrganizationKind, Unit

COMMUNITY_NAME = "Helsefellesskap Fjordvik"
HOSPITAL_NAME = "Fjordvik sykehus HF"
#: What this community calls its joint committee (set per health community).
COMMITTEE_NAME = "Overordnet samarbeidsutvalg (OSU)"

#: clinic -> departments
HOSPITAL_CLINICS: dict[str, tuple[str, ...]] = {
    "Medisinsk klinikk": ("Indremedisinsk avdeling", "Geriatrisk avdeling",
                          "Lungemedisinsk avdeling", "Hjerteavdelingen",
                          "Avdeling for fysikalsk medisin og rehabilitering"),
    "Kirurgisk klinikk": ("Ortopedisk avdeling", "Gastrokirurgisk avdeling",
                          "Urologisk avdeling"),
    "Akuttklinikken": ("Akuttmottaket", "Intensivavdelingen"),
    "Kvinne- og barneklinikken": ("Barneavdelingen", "Føde- og barselavdelingen",
                                  "Habiliteringstjenesten for barn og unge"),
}
#: (clinic, name) of the hospital's koordinerende enhet; a municipality's has MUNICIPAL_KE.
HOSPITAL_KE = ("Medisinsk klinikk", "Koordinerende enhet for habilitering og rehabilitering")
MUNICIPAL_KE = "Koordinerende enhet"


@dataclass(frozen=True)
class MunicipalityPlan:
    name: str
    sector: str
    districts: tuple[str, ...]
    nursing_homes: tuple[str, ...]
    allocation_office: str
    #: Share of the municipalities' reports: the larger ones report more.
    weight: float
    is_approval_required: bool = False


MUNICIPALITIES: tuple[MunicipalityPlan, ...] = (
    MunicipalityPlan("Nordvik kommune", "Helse og omsorg", ("sone nord", "sone sør", "sentrum"),
                     ("Nordvik sykehjem", "Solbakken bo- og omsorgssenter"),
                     "Tildelingskontoret", 0.36),
    MunicipalityPlan("Sørdal kommune", "Helse og velferd", ("øst", "vest"),
                     ("Sørdal sykehjem", "Lia omsorgssenter"), "Forvaltningskontoret", 0.26),
    MunicipalityPlan("Austhavn kommune", "Helse og omsorg", ("indre", "ytre"),
                     ("Austhavn helsetun",), "Tildelingskontoret", 0.21),
    # One municipality has its leaders approve outgoing reports (Organization setting).
    MunicipalityPlan("Vestlia kommune", "Helse, omsorg og velferd", ("nord", "sør"),
                     ("Vestlia sykehjem",), "Forvaltningskontoret", 0.17,
                     is_approval_required=True),
)

GP_OFFICES: tuple[str, ...] = ("Nordvik legesenter", "Sørdal legekontor",
                               "Fjordvik allmennlegesenter")
REHABILITATION_NAME = "Fjellro rehabiliteringssenter AS"
REHABILITATION_UNITS: tuple[str, ...] = ("Døgnrehabilitering", "Dagrehabilitering")


@dataclass
class UnitRef:
    id: int
    name: str
    organization_id: int
    parent_id: int | None
    #: top, clinic, department, coordinating, sector, home_care, district, nursing_home,
    #: emergency, allocation, rehab_ward
    tag: str


@dataclass
class OrgRef:
    id: int
    name: str
    kind: OrganizationKind
    weight: float = 1.0
    is_approval_required: bool = False
    units: list[UnitRef] = field(default_factory=list)

    @property
    def top(self) -> UnitRef:
        return next(u for u in self.units if u.parent_id is None)

    def tagged(self, *tags: str) -> list[UnitRef]:
        return [u for u in self.units if u.tag in tags]

    def unit(self, name: str) -> UnitRef:
        return next(u for u in self.units if u.name == name)


@dataclass
class Community:
    id: int
    hospital: OrgRef
    municipalities: list[OrgRef]
    gp_offices: list[OrgRef]
    rehabilitation: OrgRef

    @property
    def organizations(self) -> list[OrgRef]:
        return [self.hospital, *self.municipalities, *self.gp_offices, self.rehabilitation]

    def units(self) -> dict[int, UnitRef]:
        return {u.id: u for org in self.organizations for u in org.units}


class _TreeBuilder:
    """Adds units under an organisation, keeping (ORM row, tag) pairs until ids exist."""

    def __init__(self, organization: Organization) -> None:
        self.organization = organization
        self.rows: list[tuple[Unit, str]] = []

    def add(self, name: str, tag: str, parent: Unit | None = None) -> Unit:
        unit = Unit(organization=self.organization, parent=parent, name=name)
        self.rows.append((unit, tag))
        return unit


def _organization(community: HealthCommunity, name: str, kind: OrganizationKind,
                  approval: bool = False) -> _TreeBuilder:
    org = Organization(health_community=community, name=name, kind=kind,
                       is_approval_required=approval)
    db.session.add(org)
    return _TreeBuilder(org)


def create_structure() -> Community:
    """Create the health community, its organisations and their unit trees; flush."""
    community = HealthCommunity(name=COMMUNITY_NAME, committee_name=COMMITTEE_NAME)
    db.session.add(community)
    trees: list[tuple[_TreeBuilder, float]] = []

    hospital = _organization(community, HOSPITAL_NAME, OrganizationKind.HOSPITAL_TRUST)
    top = hospital.add(HOSPITAL_NAME, "top")
    for clinic_name, departments in HOSPITAL_CLINICS.items():
        clinic = hospital.add(clinic_name, "clinic", top)
        for department in departments:
            hospital.add(department, "department", clinic)
        if clinic_name == HOSPITAL_KE[0]:
            hospital.add(HOSPITAL_KE[1], "coordinating", clinic)
    trees.append((hospital, 1.0))

    for plan in MUNICIPALITIES:
        tree = _organization(community, plan.name, OrganizationKind.MUNICIPALITY,
                             plan.is_approval_required)
        sector = tree.add(plan.sector, "sector", tree.add(plan.name, "top"))
        home_care = tree.add("Hjemmetjenesten", "home_care", sector)
        for district in plan.districts:
            tree.add(f"Hjemmetjenesten {district}", "district", home_care)
        for nursing_home in plan.nursing_homes:
            tree.add(nursing_home, "nursing_home", sector)
        tree.add(f"{plan.name.removesuffix(' kommune')} legevakt", "emergency", sector)
        tree.add(plan.allocation_office, "allocation", sector)
        tree.add(MUNICIPAL_KE, "coordinating", sector)
        trees.append((tree, plan.weight))

    for name in GP_OFFICES:
        tree = _organization(community, name, OrganizationKind.GP_OFFICE)
        tree.add(name, "top")
        trees.append((tree, 1.0))

    rehab = _organization(community, REHABILITATION_NAME,
                          OrganizationKind.PRIVATE_INSTITUTION)
    rehab_top = rehab.add(REHABILITATION_NAME, "top")
    for name in REHABILITATION_UNITS:
        rehab.add(name, "rehab_ward", rehab_top)
    trees.append((rehab, 1.0))

    db.session.add_all([unit for tree, _ in trees for unit, _tag in tree.rows])
    db.session.flush()
    refs = [_ref(tree, weight) for tree, weight in trees]
    n_municipalities = len(MUNICIPALITIES)
    return Community(id=community.id, hospital=refs[0],
                     municipalities=refs[1:1 + n_municipalities],
                     gp_offices=refs[1 + n_municipalities:-1], rehabilitation=refs[-1])


def _ref(tree: _TreeBuilder, weight: float) -> OrgRef:
    org = tree.organization
    return OrgRef(id=org.id, name=org.name, kind=org.kind, weight=weight,
                  is_approval_required=org.is_approval_required,
                  units=[UnitRef(u.id, u.name, org.id, u.parent_id, tag)
                         for u, tag in tree.rows])
