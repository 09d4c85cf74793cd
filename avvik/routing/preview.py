"""Testing a rule before it is saved: which rule would route a sample case, and where.

The answer comes from the same ``best_rule`` the routing worker uses, run in Python over
the saved usable rules with the draft put in the saved rule's place (or last, for a new
rule, which would get the highest id). Nothing is added to the session or flushed.
"""

from __future__ import annotations

from dataclasses import dataclass

from avvik.organizations.models import Organization, Unit
from avvik.routing.models import RoutingRule
from avvik.routing.queries import usable_rules
from avvik.routing.services import best_rule, rule_matches


@dataclass(frozen=True)
class DraftRule:
    """A rule as the form has it; ``id`` None for a rule not saved yet."""

    id: int | None
    name: str
    agreement_id: int | None
    transition_id: int | None
    category_id: int | None
    target_unit: Unit | None
    is_active: bool = True

    @property
    def specificity(self) -> int:
        return sum(k is not None for k in (self.agreement_id, self.transition_id,
                                           self.category_id))


@dataclass(frozen=True)
class RoutingPreview:
    organization: Organization
    #: The winning rule (a saved RoutingRule or the draft), None when no rule matches.
    winner: RoutingRule | DraftRule | None
    #: Every rule that matches the sample, the winner first.
    matching: list[RoutingRule | DraftRule]
    draft: DraftRule

    @property
    def unit(self) -> Unit | None:
        return self.winner.target_unit if self.winner is not None else None

    @property
    def draft_wins(self) -> bool:
        return self.winner is self.draft


def preview(organization: Organization, draft: DraftRule, agreement_id: int,
            transition_id: int, category_id: int) -> RoutingPreview:
    """Route a sample case in Python, as if ``draft`` were saved."""
    saved = [rule for rule in usable_rules(organization.id) if rule.id != draft.id]
    candidates: list[RoutingRule | DraftRule] = list(saved)
    # An inactive rule stays inactive when saved, and a rule without a usable target unit
    # is refused on save: neither takes part, as neither would once saved.
    usable = draft.is_active and draft.target_unit is not None and draft.target_unit.is_active
    if usable:
        position = next((i for i, rule in enumerate(saved)
                         if draft.id is not None and rule.id > draft.id), len(saved))
        candidates.insert(position, draft)
    winner = best_rule(candidates, agreement_id, transition_id, category_id)
    matching = [rule for rule in candidates
                if rule_matches(rule, agreement_id, transition_id, category_id)]
    matching.sort(key=lambda rule: (rule is not winner, -rule.specificity))
    return RoutingPreview(organization, winner, matching, draft)
