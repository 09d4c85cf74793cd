"""Search: words of a case's text and comments, and case numbers, within what the
person may read, with the list's filters, best matches first; never the patient."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text, union

from avvik.core.sql import dialect_name
from avvik.core.timeutil import OSLO
from avvik.extensions import db
from avvik.reports import search
from avvik.reports.models import Report, ReportEvent, ReportStatus
from avvik.reports.queries import ListView, ReportFilter, list_reports
from avvik.reports.search import NORWEGIAN, pg_document
from avvik.reports.services import (
    acknowledge_report,
    add_comment,
    answer_report,
    create_draft,
    submit_report,
)
from avvik.reports.services.validation import PatientIdentityInput
from avvik.routing.services import route_report
from tests.reports.test_scope import ALL, SEES_ROUTED
from tests.reports.world import EVENT_DAY

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


def case(world, description="Pasienten kom hjem uten legemiddelliste.", **overrides):
    report = create_draft(world.reporter, world.report_input(description=description,
                                                             **overrides), now=MONDAY)
    submit_report(world.reporter, report, now=MONDAY)
    route_report(report, now=MONDAY)
    return report


def found(user, words, **filters):
    page = list_reports(user, ReportFilter(search=words, sort=filters.pop("sort", "relevance"),
                                           **filters), now=MONDAY)
    return [r.id for r in page.items]


def test_words_of_the_text_find_the_case(world):
    insulin = case(world, "Insulinen manglet ved utskrivning.", suggestion="Sjekk kurven.")
    fall = case(world, "Fallet skjedde på badet.", immediate_measures="Tilsyn av lege.")
    assert found(world.admin, "insulinen") == [insulin.id]
    assert found(world.admin, "kurven") == [insulin.id]
    assert found(world.admin, "LEGE") == [fall.id]
    assert found(world.admin, "insulinen badet") == []  # every word must match
    assert found(world.admin, "sykkel") == []


def test_norwegian_words_find_their_other_forms(world):
    medicine = case(world, "Medisinen ble ikke sendt med.")
    if dialect_name() == "postgresql":  # stemmed: plural finds singular definite
        assert found(world.admin, "medisiner") == [medicine.id]
        assert found(world.admin, "medisin") == [medicine.id]
    # The last word is also a beginning, on either database.
    assert found(world.admin, "medisin") == [medicine.id]


def test_the_best_match_comes_first(world):
    once = case(world, "Epikrisen kom for sent, og pasienten ventet lenge på transport.")
    often = case(world, "Epikrisen manglet. Epikrisen ble etterlyst, epikrisen kom aldri.")
    assert found(world.admin, "epikrisen") == [often.id, once.id]
    # Other sorts still apply to the matches.
    assert found(world.admin, "epikrisen", sort="created", descending=False) \
        == [once.id, often.id]


def test_a_case_number_finds_the_case_whole_or_by_its_end(world):
    reports = [case(world) for _ in range(3)]
    second = reports[1]
    year, sequence = second.case_number.split("-")[1:]
    for typed in (second.case_number, second.case_number.lower(), f"{year}-{sequence}",
                  sequence, str(int(sequence))):
        assert found(world.admin, typed) == [second.id], typed


@pytest.mark.parametrize("who", sorted(ALL))
def test_a_search_finds_only_what_the_person_may_read(world, who):
    seen = case(world, "Respiratoren fulgte ikke med.")
    draft = create_draft(world.reporter, world.report_input(
        description="Respiratoren i utkastet."), now=MONDAY)
    expected = {seen.id} if who in SEES_ROUTED else set()
    if who in {"reporter", "admin"}:
        expected.add(draft.id)
    user = getattr(world, who)
    assert set(found(user, "respiratoren")) == expected
    assert set(found(user, seen.case_number)) == expected - {draft.id}


def test_a_search_keeps_the_lists_filters_and_views(world):
    acknowledged = case(world, "Sonden var tett.")
    routed = case(world, "Sonden manglet.", event_date=EVENT_DAY - timedelta(days=9),
                  discovered_date=EVENT_DAY)
    acknowledge_report(world.ward_handler, acknowledged, now=MONDAY)
    handler = world.ward_handler
    assert set(found(handler, "sonden", view=ListView.INBOX)) == {acknowledged.id, routed.id}
    assert found(handler, "sonden", statuses=[ReportStatus.ACKNOWLEDGED]) == [acknowledged.id]
    assert found(handler, "sonden", date_to=EVENT_DAY - timedelta(days=1)) == [routed.id]
    assert found(handler, "sonden", category_id=world.other.id) == []
    assert found(handler, "sonden", view=ListView.MINE) == []
    assert set(found(world.reporter, "sonden", view=ListView.MINE)) \
        == {acknowledged.id, routed.id}


@pytest.mark.parametrize("typed", [
    '"', '"unclosed', "a AND", "AND OR NOT", "(sonde", "sonde)", "*", "sonde*", "-sonde",
    "NEAR(a b)", "col:sonde", "^sonde", "a + b", "'; DROP TABLE reports; --", "%", "_",
    "SA-", "    ", "ø", "!!!", "sonde " * 40,
])
def test_nothing_typed_breaks_the_search(world, typed):
    case(world, "Sonden var tett.")
    list_reports(world.admin, ReportFilter(search=typed, sort="relevance"), now=MONDAY)
    list_reports(world.admin, ReportFilter(search=typed, sort="event"), now=MONDAY)


def test_an_answer_and_a_comment_become_searchable(world):
    report = case(world)
    assert found(world.reporter, "oppfølgingsrutinen") == []
    acknowledge_report(world.ward_handler, report, now=MONDAY)
    answer_report(world.ward_handler, report, "Oppfølgingsrutinen ble ikke fulgt.",
                  "Vi har gått gjennom rutinen.", now=MONDAY)
    db.session.flush()
    assert found(world.reporter, "oppfølgingsrutinen") == [report.id]
    add_comment(world.reporter, report, "Takk, gjelder dette også nattevakten?")
    db.session.flush()
    assert found(world.ward_handler, "nattevakten") == [report.id]


def test_the_index_holds_no_patient_identity(world):
    world.hospital.is_patient_identity_wanted = True
    report = case(world, "Utskrevet uten epikrise.", patient_identity=PatientIdentityInput(
        name="Fiktivia Testperson", national_id="151086 95088"))
    db.session.flush()
    assert found(world.admin, "epikrise") == [report.id]
    for typed in ("Fiktivia", "Testperson", "15108695088", "151086"):
        assert found(world.admin, typed) == [], typed
    words = indexed_words()
    assert "epikrise" in words or "epikris" in words
    assert not {"fiktivia", "testperson", "15108695088", "151086", "95088"} & words


def indexed_words() -> set[str]:
    """Every word the search index holds, read from the index itself."""
    if dialect_name() == "postgresql":
        texts = union(select(func.unnest(func.tsvector_to_array(pg_document(Report.__table__)))),
                      select(func.unnest(func.tsvector_to_array(func.to_tsvector(
                          NORWEGIAN, ReportEvent.text)))).where(ReportEvent.kind == "comment"))
        return set(db.session.execute(texts).scalars())
    words = set()
    for index in ("reports_fts", "report_comments_fts"):
        db.session.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{index}_words "
                                f"USING fts5vocab(main, {index}, row)"))
        words |= set(db.session.execute(text(f"SELECT term FROM temp.{index}_words")).scalars())
    return words


def test_ranked_pages_walk_every_match_once(world):
    reports = [case(world, "Transport " * (i + 1)) for i in range(5)]
    seen = []
    for page in (1, 2, 3):
        result = list_reports(world.admin, ReportFilter(search="transport", sort="relevance"),
                              page=page, per_page=2, now=MONDAY)
        assert result.total == 5 and result.total_is_exact
        seen += [r.id for r in result.items]
    assert seen == [r.id for r in reversed(reports)]
    capped = list_reports(world.admin, ReportFilter(search="transport", sort="relevance"),
                          per_page=2, now=MONDAY, count_cap=2)
    assert not capped.total_is_exact and capped.has_next and len(capped.items) == 2


def test_a_word_in_very_many_cases_ranks_the_newest_of_them(world, monkeypatch):
    monkeypatch.setattr(search, "RANK_CAP", 3)
    reports = [case(world, "Transport " * (5 - i)) for i in range(5)]  # the oldest best
    result = list_reports(world.admin, ReportFilter(search="transport", sort="relevance"),
                          per_page=10, now=MONDAY)
    assert [r.id for r in result.items] == [r.id for r in reports[2:]]
    assert result.total == 5 and not result.has_next
