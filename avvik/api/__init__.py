"""The REST API v1 (flask-smorest, OpenAPI 3) and the personal bearer tokens it accepts.

``init_api(app)`` serves the spec at /api/openapi.json, the browsable docs at /api/docs
(Swagger UI vendored under static/vendor/swagger-ui, no CDN), the API at /api/v1 and the
token pages at /api-tokens.
"""

from __future__ import annotations

from flask import Flask

API_SETTINGS = {
    "API_TITLE": "Avvik",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    # No online validator badge: the docs page must not call out to anyone.
    "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
    "API_SPEC_OPTIONS": {
        "security": [{"bearerAuth": []}],
        # Relative: the server the document was fetched from.
        "servers": [{"url": "/", "description": "This Avvik server."}],
        "info": {"description": "Deviations between municipalities and hospital trusts. "
                                "Create a personal token on your profile page (API tokens) "
                                "or with `avvik create-token USERNAME`; an organisation's "
                                "own systems use a service token that an administrator "
                                "issues on its Integrations page. `GET /api/v1/reports"
                                "?updated_since=` is the feed of changes. Errors are "
                                "problem details (RFC 9457, `application/problem+json`), "
                                "in bokmål or English by `Accept-Language`."},
    },
}

#: The operations' tags, declared in this order.
TAGS = [
    {"name": "reports", "description": "Cases: list, file, read, and the steps taken on them."},
    {"name": "catalog", "description": "What the caller may choose when filing a report."},
    {"name": "stats", "description": "The quality dashboards' aggregates."},
    {"name": "committee", "description": "The joint committee's agenda (read-only)."},
]


def init_api(app: Flask) -> None:
    """Register the API, its docs and the token pages on ``app``."""
    import avvik.api.catalog
    import avvik.api.committee
    import avvik.api.reports
    import avvik.api.stats  # noqa: F401  (their routes join the blueprint)
    from avvik.api.blueprint import IdConverter, bp, id_parameter
    from avvik.api.problems import ProblemApi, nullable_nested
    from avvik.api.views import bp as tokens_bp
    from avvik.extensions import csrf

    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL",
                          f"{app.static_url_path}/vendor/swagger-ui/")
    app.url_map.converters["id"] = IdConverter
    api = ProblemApi(app)
    api.ma_plugin.converter.add_attribute_function(nullable_nested)
    api.register_converter(IdConverter, id_parameter)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "A personal API token. It expires after "
                                      "AVVIK_API_TOKEN_DAYS days (90 by default) and is "
                                      "revoked when its owner's password changes; an "
                                      "expired or revoked token gets 401. Or an "
                                      "organisation's service token: the cases the "
                                      "organisation is party to; scope read (GET only) or "
                                      "read_file (also filing reports), else 403."})
    for tag in TAGS:
        api.spec.tag(tag)
    # Document only: the blueprint's own tag ("api") names no operation.
    api.register_blueprint(bp)
    api.spec._tags = [t for t in api.spec._tags if t["name"] != bp.name]
    # Only a bearer token authenticates here, never a cookie: nothing for CSRF to abuse.
    csrf.exempt(bp)
    app.register_blueprint(tokens_bp)
