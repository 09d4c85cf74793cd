"""``best_rule``: the matching the routing worker and the Test button share."""

from __future__ import annotations

from dataclasses import dataclass

from avvik.routing.services import best_rule


@dataclass(frozen=True)
class Rule:
    name: str
    agreement_id: int | None = None
    transition_id: int | None = None
    category_id: int | None = None

    @property
    def specificity(self) -> int:
        return sum(k is not None for k in (self.agreement_id, self.transition_id,
                                           self.category_id))


def winner(rules: list[Rule], agreement: int = 1, transition: int = 2, category: int = 3
           ) -> str | None:
    rule = best_rule(rules, agreement, transition, category)
    return rule.name if rule else None


def test_no_rules_or_no_matching_rule_gives_none():
    assert winner([]) is None
    assert winner([Rule("other agreement", agreement_id=9)]) is None


def test_a_rule_with_every_key_empty_matches_every_case():
    assert winner([Rule("catch-all")]) == "catch-all"


def test_the_rule_with_most_matching_keys_wins_whatever_the_order():
    rules = [Rule("agreement", agreement_id=1), Rule("all three", 1, 2, 3),
             Rule("two", transition_id=2, category_id=3), Rule("catch-all")]
    assert winner(rules) == "all three"
    assert winner(list(reversed(rules))) == "all three"


def test_one_key_that_differs_rules_a_specific_rule_out():
    rules = [Rule("wrong category", 1, 2, 4), Rule("agreement", agreement_id=1)]
    assert winner(rules) == "agreement"


def test_on_a_tie_the_first_candidate_wins():
    first, second = Rule("first", agreement_id=1), Rule("second", category_id=3)
    assert winner([first, second]) == "first"
    assert winner([second, first]) == "second"
