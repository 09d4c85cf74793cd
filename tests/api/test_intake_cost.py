"""What filing a report through the API asks of the database: each statement needed, once.

Counts, not timings (those are bench/intake.py's): a second validation, a lazy load or
a reload of the answer creeping back into the path shows up here as another statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from tests.api.conftest import report_body
from tests.sql_log import recorded_sql

URL = "/api/v1/reports"
#: The verb and the first table a statement names ("INSERT INTO x", "SELECT ... FROM x").
STATEMENT = re.compile(r"^\s*(SELECT\b.*?\bFROM|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)",
                       re.DOTALL | re.IGNORECASE)


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SELECT/INSERT/UPDATE/DELETE statements run meanwhile, as "VERB table"."""
    seen: list[str] = []
    with recorded_sql() as ran:
        yield seen
    for statement in ran:
        found = STATEMENT.match(statement)
        if found:  # not SAVEPOINT and the like (the test's transaction)
            seen.append(f"{found.group(1).split()[0].upper()} {found.group(2)}")


def test_filing_a_report_reads_four_times_and_writes_four_rows(client, world, reporter_auth):
    client.post(URL, json=report_body(world), headers=reporter_auth)  # the token's first use
    with statements() as seen:
        response = client.post(URL, json=report_body(world), headers=reporter_auth)
    assert response.status_code == 201, response.get_json()
    assert seen == [
        "SELECT users",  # the token's user and memberships, by the token's hash
        "SELECT units",  # every row the input names, in one query
        "UPDATE case_number_counters",
        "INSERT reports",  # with its case number
        "INSERT report_events",
        "INSERT outbox_messages",  # unless the same work is queued already
        # The parties' webhooks, told of the new case in the same transaction (none here;
        # each one found adds its delivery and outbox row: tests/integrations).
        "SELECT webhooks",
        "SELECT report_links",  # the answer's linked cases (a sent case may be linked)
    ]
    # The answer came from memory (but for its linked cases), and says what was written.
    case = response.get_json()
    assert case["status"] == "submitted" and case["case_number"].startswith("SA-")
    assert case["agreement"]["id"] == world.agreement.id
    assert case["reporting_organization"]["id"] == world.kommune.id
    assert [e["kind"] for e in case["timeline"]] == ["submitted"]
    assert case["has_patient_identity"] is False


def test_a_draft_is_written_once_with_nothing_queued(client, world, reporter_auth):
    client.post(URL, json=report_body(world), headers=reporter_auth)
    with statements() as seen:
        response = client.post(URL, json=report_body(world, draft=True), headers=reporter_auth)
    assert response.status_code == 201
    assert seen == ["SELECT users", "SELECT units", "INSERT reports"]
    assert response.get_json()["timeline"] == []


def test_a_token_s_last_use_is_written_at_most_once_a_minute(client, world, reporter_auth):
    with statements() as first:
        client.get("/api/v1/catalog", headers=reporter_auth)
    with statements() as second:
        client.get("/api/v1/catalog", headers=reporter_auth)
    assert first.count("UPDATE api_tokens") == 1
    assert "UPDATE api_tokens" not in second


def test_an_invalid_report_writes_nothing(client, world, reporter_auth):
    client.post(URL, json=report_body(world), headers=reporter_auth)
    with statements() as seen:
        response = client.post(URL, json=report_body(world, event_date="2999-01-01"),
                               headers=reporter_auth)
    assert response.status_code == 422
    assert seen == ["SELECT users", "SELECT units"]
