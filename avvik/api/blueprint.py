"""The blueprint of the REST API v1; reports.py and catalog.py add its routes."""

from __future__ import annotations

import re
from typing import Any

from flask import Request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser, abort
from werkzeug.routing import BaseConverter

from avvik.api.auth import authenticate_request
from avvik.api.errors import init_api_errors, refuse_other_media_types
from avvik.api.problems import BODY_RESPONSES, COMMON_RESPONSES, operation_id


class ApiParser(FlaskParser):
    """webargs' parser, with JSON nested too deep for Python a 400 like other bad JSON."""

    def _raw_load_json(self, req: Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            abort(400, messages={"json": ["JSON nested too deeply."]})


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = ApiParser()

    def route(self, rule: str, *, parameters: Any = None, tags: Any = None,
              **options: Any) -> Any:
        """Every operation with its ``operationId`` and the answers any may give."""
        methods = list(options.get("methods", ["GET"]))

        def decorate(view: Any) -> Any:
            endpoint = options.get("endpoint") or view.__name__
            responses = {**COMMON_RESPONSES, **(
                BODY_RESPONSES if set(methods) & {"POST", "PUT", "PATCH"} else {})}
            for status, name in responses.items():
                view = self.alt_response(status, response=name)(view)
            if len(methods) == 1:
                view = self.doc(operationId=operation_id(endpoint, methods[0], methods))(view)
            return super(ApiBlueprint, self).route(rule, parameters=parameters, tags=tags,
                                                   **options)(view)
        return decorate

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        # One schema instance per route, made here: given a class, webargs makes a new
        # one (deep-copying every field) on each request.
        return super().arguments(schema() if isinstance(schema, type) else schema,
                                 *args, **kwargs)


bp = ApiBlueprint("api", __name__, url_prefix="/api/v1",
                  description="Avvik REST API v1. Authenticate with a personal token: "
                              "`Authorization: Bearer <token>`.")
bp.before_request(authenticate_request)
bp.before_request(refuse_other_media_types)
init_api_errors(bp)


class IdConverter(BaseConverter):
    """``<id:report_id>``: any path segment; what is not a row id becomes 0 (no such row).

    So ``/reports/abc`` is the same JSON 404 as a case that does not exist, answered by
    this blueprint, instead of a routing miss outside it.
    """

    regex = r"[^/]+"

    def to_python(self, value: str) -> int:
        return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else 0


def id_parameter(_converter: IdConverter) -> dict[str, Any]:
    """How the spec documents an ``<id:...>`` path parameter."""
    return {"type": "integer", "minimum": 1}
