"""Bokmål says what the sector says: samhandlingsavvik, tjenesteavtale, Mottak bekreftet and
the consequence scale of the Norwegian forms (Ingen skade ... Dødsfall)."""

from __future__ import annotations

import re

from flask_babel import force_locale

from avvik.extensions import db
from avvik.reports.labels import consequence_label, status_label
from avvik.reports.models import Consequence, ReportStatus
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD

SCALE = {
    Consequence.NONE: "Ingen skade",
    Consequence.MINOR: "Mindre alvorlig skade",
    Consequence.MODERATE: "Moderat skade",
    Consequence.SIGNIFICANT: "Betydelig skade",
    Consequence.DEATH: "Dødsfall",
}


def test_the_consequence_scale_and_an_acknowledged_case_in_bokmal(app):
    with app.test_request_context(), force_locale("nb"):
        assert {level: consequence_label(level) for level in Consequence} == SCALE
        assert status_label(ReportStatus.ACKNOWLEDGED) == "Mottak bekreftet"
    with app.test_request_context(), force_locale("en"):
        assert consequence_label(Consequence.MINOR) == "Minor"
        assert status_label(ReportStatus.ACKNOWLEDGED) == "Acknowledged"


def test_the_form_says_samhandlingsavvik_and_tjenesteavtale_in_bokmal(app, world):
    world.reporter.locale = "nb"
    db.session.flush()
    browser = new_browser(app)
    assert login(browser, world.reporter.username, DEFAULT_PASSWORD).status_code == 302
    html = browser.get("/reports/new").get_data(as_text=True)
    main = re.search(r"<main\b.*?</main>", html, re.S)
    assert main is not None
    page = main.group(0)
    assert "Meld et samhandlingsavvik" in page
    assert re.search(r"<label[^>]*>\s*Tjenesteavtale\s*<", page)
    assert "Mindre alvorlig skade" in page and "Dødsfall" in page
    assert ">Avtale<" not in page and ">Død<" not in page
