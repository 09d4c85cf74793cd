"""Schemathesis over /api/openapi.json: no 5xx, and every answer keeps to the spec.

Runs against the WSGI app on both databases, signed in with a real token, over a world
with real cases so that generated ids sometimes hit rows the caller may act on.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

import avvik.api.catalog
from avvik.extensions import db
from tests.api.conftest import bearer, case_in

CHECKS = [not_a_server_error, response_schema_conformance]


def fuzz(app, strategy, headers: dict[str, str], max_examples: int) -> int:
    """Call the app with what ``strategy`` generates; returns how many calls were made."""
    calls = []

    @given(case=strategy)
    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case):
        # Each call in an app context (and database session) of its own, as in production.
        with app.app_context():
            response = case.call(headers=headers)
        calls.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    run()
    return len(calls)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_get_no_5xx_and_answers_that_match_the_spec(app, world, mode):
    world.hospital.is_patient_identity_wanted = True
    cases = [case_in(world, state) for state in ("draft", "routed", "delivered")]
    headers = bearer(world.ward_handler)
    db.session.commit()  # requests run in sessions of their own
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)

    calls = fuzz(app, schema.as_strategy(generation_mode=mode), headers, 100)
    for case in cases:  # the step endpoints on real cases, in every state
        calls += fuzz(app, schema.as_strategy(generation_mode=mode,
                                              path_parameters={"report_id": case.id}),
                      headers, 20)
    assert calls >= 100


def test_the_fuzzing_notices_an_answer_that_breaks_the_spec(app, world, monkeypatch):
    headers = bearer(world.reporter)
    db.session.commit()
    # Required keys missing, a null where the spec wants a string.
    monkeypatch.setattr(avvik.api.catalog, "catalog_for", lambda user: {"agreements": [
        {"id": 1, "number": "5", "title": None}]})
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    strategy = schema["/api/v1/catalog"]["GET"].as_strategy()
    with pytest.raises(FailureGroup):
        fuzz(app, strategy, headers, 5)
