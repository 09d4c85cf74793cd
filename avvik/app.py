"""The application factory: ``create_app()`` is made of short ``register_*`` steps."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config, load_config

PACKAGE_DIR = Path(__file__).resolve().parent


def find_template_dir() -> Path:
    """The templates: inside an installed package, else beside it in the checkout.

    The build copies the repository's top-level ``templates/`` into the package
    (setup.py). The packaged copy is looked for first: beside an installed package lies
    site-packages, where another distribution may have left a ``templates`` folder.
    """
    packaged = PACKAGE_DIR / "templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


BLUEPRINT_MODULES = (
    "avvik.home.views",
    "avvik.health.views",
    "avvik.auth.views",
    "avvik.organizations.views",
    "avvik.users.views",
    "avvik.catalog.views",
    "avvik.routing.views",
    "avvik.reports.views",
    "avvik.measures.views",
    "avvik.discharges.views",
    "avvik.dashboards.views",
    "avvik.outbox.views",
    "avvik.committee.views",
    "avvik.audit.views",
    "avvik.integrations.views",
)


def create_app(config: Config | None = None) -> Flask:
    """Build the web app. ``config`` defaults to the one ``AVVIK_ENV`` names."""
    config = config or load_config()
    app = Flask(
        "avvik",
        template_folder=str(find_template_dir()),
        static_folder=str(PACKAGE_DIR / "static"),
        instance_path=config.INSTANCE_DIR,
        instance_relative_config=False,
    )
    app.config.from_object(config)
    app.config["ENV_NAME"] = config.ENV_NAME
    Path(config.INSTANCE_DIR).mkdir(parents=True, exist_ok=True)
    register_logging(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errors(app)
    register_security_headers(app)
    register_static_files(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def register_logging(app: Flask) -> None:
    from avvik.core.access_log import init_access_log
    from avvik.core.logs import configure_logging

    configure_logging(app)
    init_access_log(app)  # first, so that every request is timed, logged and counted


def register_extensions(app: Flask) -> None:
    import avvik.models  # noqa: F401  (every table known to create_all and Alembic)
    from avvik.audit.context import init_audit_context
    from avvik.auth.login import init_login
    from avvik.auth.oidc.client import init_oidc
    from avvik.core.db import configure_sqlite
    from avvik.core.i18n import init_babel
    from avvik.core.limits import init_rate_limits
    from avvik.extensions import celery_init_app, csrf, db, migrate
    from avvik.outbox.dispatch import init_outbox_dispatch
    from avvik.reports.search_index import outside_the_models

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    # The search index is made beside the models, not from them (reports/search_index.py).
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True,
                     include_name=outside_the_models)
    init_rate_limits(app)  # first of the request hooks: a refused client costs little
    init_audit_context(app)  # the client address of each audit entry
    init_login(app)  # before CSRF: an anonymous POST is sent to sign in, not judged
    init_oidc(app)
    csrf.init_app(app)
    init_babel(app)
    celery_init_app(app)
    init_outbox_dispatch(app)


def register_url_converters(app: Flask) -> None:
    from avvik.core.ids import init_row_ids

    init_row_ids(app)


def register_blueprints(app: Flask) -> None:
    import importlib

    from avvik.api import init_api

    for module_name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(module_name).bp)
    init_api(app)  # the REST API, its docs and the token pages


def register_errors(app: Flask) -> None:
    from avvik.core.http_errors import init_error_handlers

    init_error_handlers(app)


def register_security_headers(app: Flask) -> None:
    from avvik.auth.oidc.sign_out import sign_out_origin
    from avvik.core.security_headers import init_security_headers

    init_security_headers(app, form_redirect_origin=sign_out_origin)


def register_static_files(app: Flask) -> None:
    from avvik.core.security_headers import security_headers
    from avvik.core.static_files import init_static_files

    with app.app_context():
        headers = security_headers()
    init_static_files(app, headers)


def register_template_helpers(app: Flask) -> None:
    from avvik.committee.access import may_read_agenda
    from avvik.core.templating import init_templating
    from avvik.organizations.labels import organization_kind_label
    from avvik.stats.scope import may_view_stats
    from avvik.users.labels import role_label

    init_templating(app, audiences={"stats": may_view_stats, "committee": may_read_agenda})
    app.jinja_env.globals.update(role_label=role_label,
                                 organization_kind_label=organization_kind_label)


def register_cli(app: Flask) -> None:
    from avvik.cli import init_cli

    init_cli(app)
