"""Filing a report the short way in the browser: only what has no default, each counted.

Used by tests/browser/test_filing_quickly.py (what must hold) and bench/filing.py (how long
it takes, and the form's height, written to bench/results).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REPORTER = "melder.kommune"
HOSPITAL = "Fjordvik sykehus HF"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: A typical case of the demo catalogue: the medication list missing at discharge.
TRANSITION = "Legemiddelsamstemming"
CATEGORY = "Legemiddelliste mangler eller er feil"
DESCRIPTION = ("Pasienten kom hjem fra sykehuset uten oppdatert legemiddelliste. "
               "Hjemmetjenesten måtte ringe avdelingen for å få riktig liste.")


@dataclass
class ShortWay:
    """What the reporter did: one entry per choice, text or press."""

    steps: list[str] = field(default_factory=list)

    def did(self, step: str) -> None:
        self.steps.append(step)


def context_for(browser: Any, base_url: str, size: str, *, locale: str = "en-US") -> Any:
    """A browser context at phone size (touch) or desktop size, in ``locale``."""
    phone = size == "phone"
    context = browser.new_context(base_url=base_url, locale=locale,
                                  timezone_id="Europe/Oslo",
                                  viewport=PHONE if phone else DESKTOP,
                                  has_touch=phone, is_mobile=phone)
    context.set_default_timeout(15_000)
    return context


def form_height(page: Any) -> float:
    """The report form's height in CSS pixels, as laid out now."""
    return page.locator("form[data-report-form]").bounding_box()["height"]


def choose(page: Any, label: str, text: str) -> None:
    """Pick the first offered option that reads ``text`` in the select labelled ``label``."""
    select_box = page.get_by_label(label, exact=True)
    option = select_box.locator("option", has_text=text).first
    select_box.select_option(value=option.get_attribute("value"))


def fill_the_short_way(page: Any, description: str = DESCRIPTION) -> ShortWay:
    """On the new report form: only the choices without a default, the text, and submit."""
    way = ShortWay()
    choose(page, "Transition", TRANSITION)
    way.did("transition")
    choose(page, "Category", CATEGORY)  # the script offers only the transition's phase
    way.did("category")
    page.get_by_role("group", name="Actual consequence", exact=True).get_by_label(
        "Minor", exact=True).check()
    way.did("consequence")
    page.get_by_role("group", name="Potential consequence", exact=True).get_by_label(
        "Moderate", exact=True).check()
    way.did("potential consequence")
    page.get_by_label("What happened?").fill(description)
    way.did("text")
    page.get_by_role("button", name="Submit report").click()
    way.did("submit")
    return way
