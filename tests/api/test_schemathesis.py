"""Schemathesis over /api/openapi.json: no 5xx, every answer keeps to the spec (status,
media type, headers, body), what the spec refuses is refused, wrong methods are 405.

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
from schemathesis.specs.openapi import checks

import avvik.api.catalog
from avvik.extensions import db
from tests.api.conftest import bearer, case_in

#: schemathesis's checks of a single call, but three: positive_data_acceptance (the
#: services refuse ids of rows that do not exist or are not the caller's, which no schema
#: can say); ignored_auth and negative_data_rejection, which take the real token given to
#: each call for a generated one (a "missing Authorization" case is sent with it, and
#: accepted), and read an unknown query parameter, which the API ignores, as a violation.
#: tests/api/test_tokens.py refuses bad tokens; test_list.py and test_create.py refuse
#: invalid values of the parameters and fields the API knows.
CHECKS = [not_a_server_error, checks.response_schema_conformance, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_headers_conformance,
          checks.missing_required_header, checks.unsupported_method,
          checks.allow_header_conformance, checks.use_after_free,
          checks.ensure_resource_availability]


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
