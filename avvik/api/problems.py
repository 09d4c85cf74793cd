"""How the OpenAPI document describes errors: problem details (avvik/core/problems.py) as
``application/problem+json`` on every error response, the common answers every operation
may give (401, 429, and 400/413/415 where a JSON body is read), and an ``operationId``."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import INCLUDE, Schema, fields

from avvik.core.problems import MEDIA_TYPE, PROBLEM_TYPES, TYPE_BASE

#: Endpoint names that would make poor operation ids; the rest are used as they are
#: (a step's is its rule: ``acknowledge`` becomes ``acknowledge_report``).
OPERATION_IDS = {"list_cases": "list_reports", "create": "create_report",
                 "detail": "get_report", "delete_draft": "delete_draft_report",
                 "catalog": "get_catalog", "stats_table": "get_stats_table",
                 "agenda": "list_agenda_items", "agenda_item": "get_agenda_item",
                 "comments": "add_comment", "notified": "record_notice_to_authority",
                 "informed": "record_patient_informed"}

#: Answers any operation may give, and those of the operations that read a JSON body.
COMMON_RESPONSES = {401: "UNAUTHORIZED", 429: "TOO_MANY_REQUESTS"}
BODY_RESPONSES = {400: "BAD_REQUEST", 413: "REQUEST_ENTITY_TOO_LARGE",
                  415: "UNSUPPORTED_MEDIA_TYPE"}

RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                               "schema": {"type": "integer", "minimum": 1}}}


class ProblemOut(Schema):
    """Problem details (RFC 9457)."""

    class Meta:
        unknown = INCLUDE  # problem types may add members

    type = fields.String(required=True, metadata={
        "description": f"`{TYPE_BASE}<slug>`, stable: "
                       + ", ".join(sorted(PROBLEM_TYPES)) + "."})
    title = fields.String(required=True, metadata={
        "description": "Short, fixed per type, in the language of Accept-Language."})
    status = fields.Integer(required=True)
    detail = fields.String(required=True, metadata={
        "description": "This occurrence, in the language of Accept-Language."})
    errors = fields.Dict(metadata={"description": (
        "Field errors by location (json, query, headers) and field: "
        "`{\"json\": {\"description\": [\"...\"]}}`; nested objects nest.")})


class ProblemApi(Api):
    """flask-smorest's Api, its error responses described as problem details."""

    ERROR_SCHEMA = ProblemOut

    def _register_responses(self) -> None:
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = ProblemOut
            if status == 429 or status == 503:
                response["headers"] = RETRY_AFTER
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Any other error", "schema": ProblemOut}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def nullable_nested(_converter: Any, field: fields.Field, ret: dict[str, Any],
                    **_kwargs: Any) -> dict[str, Any]:
    """A nullable nested object as ``{"allOf": [ref], "nullable": true}``: apispec's
    ``anyOf`` with ``{"type": "object", "nullable": true}`` lets any object through."""
    if isinstance(field, fields.Nested) and field.allow_none and "anyOf" in ret:
        refs = [option for option in ret["anyOf"] if "$ref" in option]
        if len(refs) == 1:
            del ret["anyOf"]
            ret.update(allOf=refs, nullable=True)
    return {}


def operation_id(endpoint: str, method: str, methods: list[str]) -> str:
    base = OPERATION_IDS.get(endpoint, f"{endpoint}_report")
    return base if len(methods) == 1 else f"{method.lower()}_{base}"
