"""Routing rules of the demo community, and the matching the history uses to set the
responsible unit the way the routing worker would.

The matching follows the RoutingRule contract: a key left empty matches anything, the
rule with the most keys set wins (the older rule on a tie); without a rule the unit the
reporter named is used, and without that the case goes to the coordinators (None).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from avvik.demo.catalog import CatalogIds
from avvik.demo.structure import Community
from avvik.extensions import db
from avvik.routing.models import RoutingRule


@dataclass(frozen=True)
class Rule:
    id: int
    receiving_organization_id: int
    agreement_id: int | None
    transition_id: int | None
    category_id: int | None
    target_unit_id: int
    name: str

    @property
    def specificity(self) -> int:
        return sum(k is not None for k in (self.agreement_id, self.transition_id,
                                           self.category_id))

    def matches(self, agreement_id: int, transition_id: int, category_id: int) -> bool:
        return all(key is None or key == value for key, value in (
            (self.agreement_id, agreement_id), (self.transition_id, transition_id),
            (self.category_id, category_id)))


def create_rules(c: Community, cat: CatalogIds) -> list[Rule]:
    """Create the routing rules; flush. Returns them as plain values."""
    hf = c.hospital
    hf_ke = hf.tagged("coordinating")[0]
    rehabilitation = hf.unit("Avdeling for fysikalsk medisin og rehabilitering")
    plan: list[tuple[int, int, dict[str, int], str]] = [
        (hf.id, hf.unit("Indremedisinsk avdeling").id,
         {"category_id": cat.categories["C-LEGEMIDDELLISTE"]},
         "Legemiddellister ved utskrivning til Indremedisinsk avdeling"),
        (hf.id, hf.unit("Indremedisinsk avdeling").id,
         {"category_id": cat.categories["C-RESEPTER"]},
         "Resepter ved utskrivning til Indremedisinsk avdeling"),
        (hf.id, hf.unit("Akuttmottaket").id, {"agreement_id": cat.agreements["3"]},
         "Innleggelse (tjenesteavtale 3) til Akuttmottaket"),
        (hf.id, hf.unit("Akuttmottaket").id, {"agreement_id": cat.agreements["11"]},
         "Akuttmedisinsk kjede (tjenesteavtale 11) til Akuttmottaket"),
        (hf.id, hf.unit("Føde- og barselavdelingen").id, {"agreement_id": cat.agreements["8"]},
         "Jordmortjenester (tjenesteavtale 8) til Føde- og barselavdelingen"),
        (hf.id, hf.unit("Barneavdelingen").id, {"agreement_id": cat.agreements["L2"]},
         "Barn og unge (lokal delavtale L2) til Barneavdelingen"),
        (hf.id, hf.unit("Habiliteringstjenesten for barn og unge").id,
         {"agreement_id": cat.agreements["L2"], "transition_id": cat.transitions["D4"]},
         "Barn og unge med individuell plan til Habiliteringstjenesten for barn og unge"),
        (hf.id, rehabilitation.id,
         {"category_id": cat.categories["B-HABILITERING-REHABILITERING"]},
         f"Behov for habilitering eller rehabilitering til {rehabilitation.name}"),
        (hf.id, rehabilitation.id, {"transition_id": cat.transitions["D5"]},
         f"Habilitering og rehabilitering i kommunen til {rehabilitation.name}"),
    ]
    plan += [(hf.id, hf_ke.id, {"transition_id": cat.transitions[code]},
              f"{what} (overgang {code}) til {hf_ke.name}")
             for code, what in (("C6", "Individuell plan og koordinator"),
                                ("D4", "Individuell plan og koordinator"),
                                ("E4", "Lærings- og mestringstilbud"))]
    for m in c.municipalities:
        allocation = m.tagged("allocation")[0]
        emergency = m.tagged("emergency")[0]
        home_care = m.tagged("home_care")[0]
        ke = m.tagged("coordinating")[0]
        plan += [
            (m.id, allocation.id, {"agreement_id": cat.agreements["5"]},
             f"Utskrivningsklare pasienter (tjenesteavtale 5) til {allocation.name}"),
            (m.id, allocation.id, {"transition_id": cat.transitions["C1"]},
             f"Utskrivningsklar-meldinger til {allocation.name}"),
            (m.id, allocation.id, {"category_id": cat.categories["C-IKKE-MOTTATT"]},
             f"Utskrivningsklare pasienter som ikke ble tatt imot til {allocation.name}"),
            (m.id, emergency.id, {"agreement_id": cat.agreements["3"]},
             f"Innleggelse (tjenesteavtale 3) til {emergency.name}"),
            (m.id, emergency.id, {"agreement_id": cat.agreements["4"]},
             f"Øyeblikkelig hjelp døgnopphold (tjenesteavtale 4) til {emergency.name}"),
            (m.id, home_care.id, {"transition_id": cat.transitions["A3"],
                                  "category_id": cat.categories["A-INNLEGGELSESRAPPORT"]},
             "Innleggelsesrapporter til hjemmetjenesten"),
        ]
        plan += [(m.id, ke.id, {"transition_id": cat.transitions[code]},
                  f"{what} (overgang {code}) til {ke.name}")
                 for code, what in (("C6", "Individuell plan og koordinator"),
                                    ("D4", "Individuell plan og koordinator"),
                                    ("D5", "Habilitering og rehabilitering"))]
    for gp in c.gp_offices:
        plan.append((gp.id, gp.top.id, {}, f"Alle saker til {gp.name}"))
    rehab = c.rehabilitation
    plan.append((rehab.id, rehab.unit("Døgnrehabilitering").id, {},
                 "Alle saker til Døgnrehabilitering"))

    rows = [RoutingRule(receiving_organization_id=org_id, target_unit_id=unit_id, name=name,
                        **keys) for org_id, unit_id, keys, name in plan]
    db.session.add_all(rows)
    db.session.flush()
    return [Rule(r.id, r.receiving_organization_id, r.agreement_id, r.transition_id,
                 r.category_id, r.target_unit_id, r.name) for r in rows]


class Router:
    """Picks the responsible unit for a case, as the routing worker would."""

    def __init__(self, rules: list[Rule]) -> None:
        self.by_org: dict[int, list[Rule]] = defaultdict(list)
        for rule in sorted(rules, key=lambda r: (-r.specificity, r.id)):
            self.by_org[rule.receiving_organization_id].append(rule)

    def route(self, receiving_organization_id: int, agreement_id: int, transition_id: int,
              category_id: int, named_unit_id: int | None
              ) -> tuple[int | None, int | None, str]:
        """(responsible unit id or None for the coordinators, rule id, routing basis)."""
        for rule in self.by_org[receiving_organization_id]:
            if rule.matches(agreement_id, transition_id, category_id):
                return rule.target_unit_id, rule.id, "rule"
        if named_unit_id is not None:
            return named_unit_id, None, "named_unit"
        return None, None, "coordinators"
