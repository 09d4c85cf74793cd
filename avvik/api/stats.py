"""``GET /api/v1/stats/<name>``: every dashboard aggregate as JSON, with the page's filters.

The same tables as the dashboards and their downloads (avvik.stats.services.build_table),
scoped to the token's user the same way, small counts of other organisations as "<5".
The filters are the dashboard's query parameters, parsed by the same parser; a bad one is
a 422 that names the parameter.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields

from avvik.api.auth import api_user
from avvik.api.blueprint import bp
from avvik.api.errors import field_errors
from avvik.core.errors import ValidationFailed
from avvik.reports.models import Consequence, Direction
from avvik.stats.filters import StatsFilter
from avvik.stats.scope import may_view_stats
from avvik.stats.services import build_table, table_names

TAGS = ["stats"]

_PERIOD = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"}
_ID = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
_PARAMETERS = [
    ("from", _PERIOD, "First month (YYYY-MM) or day (YYYY-MM-DD) counted, by the date of "
                      "the event. Default: 23 months before the current one."),
    ("to", _PERIOD, "Last month (YYYY-MM) or day (YYYY-MM-DD) counted. Default: the "
                    "current month. At most 20 years after `from`."),
    ("direction", {"type": "string", "enum": [d.value for d in Direction]},
     "The direction of the cases."),
    ("organization_id", _ID, "Cases reported or received by this organisation."),
    ("unit_id", _ID, "Cases of this unit or any unit below it, reporting or responsible."),
    ("agreement_id", _ID, "Cases under this agreement."),
    ("transition_id", _ID, "Cases at this transition."),
    ("category_id", _ID, "Cases of this category."),
    ("consequence", {"type": "string", "enum": [c.value for c in Consequence]},
     "The actual consequence."),
    ("potential_consequence", {"type": "string", "enum": [c.value for c in Consequence]},
     "The potential (worst credible) consequence."),
]
FILTER_PARAMETERS = [{"in": "query", "name": name, "required": False, "description": text,
                      "schema": schema} for name, schema, text in _PARAMETERS]


def name_parameter() -> dict[str, Any]:
    """``{name}``: one of the tables, documented as an enum."""
    return {"in": "path", "name": "name", "required": True,
            "schema": {"type": "string", "enum": list(table_names())}}


class ColumnOut(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)


class StatsTableOut(Schema):
    name = fields.String(required=True)
    title = fields.String(required=True)
    filters = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                          metadata={"description": "The filter applied, as query parameters."})
    suppressed = fields.Boolean(required=True, metadata={
        "description": "Some figures are hidden: a count of 1 to 4 as \"<5\", "
                       "a figure that would give it back as \":\" (README: small counts)."})
    columns = fields.List(fields.Nested(ColumnOut), required=True)
    rows = fields.List(fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True)),
                       required=True, metadata={
                           "description": "One object per row, keyed by the columns' keys: "
                                          "numbers, text, ISO dates, \"<5\", \":\" or null."})


@bp.route("/stats/<name>", methods=["GET"], tags=TAGS)
@bp.doc(parameters=[name_parameter(), *FILTER_PARAMETERS],
        description="Names: " + ", ".join(table_names()) + ".")
@bp.response(200, StatsTableOut)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def stats_table(name: str) -> dict[str, Any]:
    """One aggregate of the quality dashboards, counted for the caller."""
    me = api_user()
    if not may_view_stats(me):
        abort(403, message=_("Your roles have no statistics."))
    if name not in table_names():
        abort(404, message=_("No such table. Known: %(names)s.",
                             names=", ".join(table_names())))
    try:
        filters = StatsFilter.from_query(request.args)
    except ValidationFailed as error:
        abort(422, message=_("The filter is not valid."),
              errors={"query": field_errors(error)})
    return build_table(name, me, filters).to_json()
