"""The ``avvik`` console script: Flask's CLI over ``create_app`` plus the project's commands.

``avvik db upgrade`` comes from Flask-Migrate, ``limiter`` from Flask-Limiter and
``openapi`` from flask-smorest; the others are registered in ``init_cli``. Flask's own
``run``, ``shell`` and ``routes`` and its ``--app``, ``--debug`` and ``--env-file`` options
are left out: the app is always ``create_app`` with settings from the environment
(``avvik serve`` runs it), so they would do nothing or need packages we do not install.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from config import ConfigError


def init_cli(app: Flask) -> None:
    from avvik.api.cli import create_token_command
    from avvik.auth.cli import create_user_command, oidc_public_key_command
    from avvik.core.mail_cli import send_test_mail_command
    from avvik.demo.cli import demo_data_command
    from avvik.escalation.cli import escalate_command
    from avvik.health.cli import worker_status_command
    from avvik.reports.cli import rotate_identity_key_command
    from avvik.serving.command import serve_command

    for command in (demo_data_command, serve_command, send_test_mail_command,
                    create_user_command, escalate_command, rotate_identity_key_command,
                    create_token_command, worker_status_command, oidc_public_key_command):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from avvik.app import create_app

    return create_app()


#: FlaskGroup's options that pick the app or load a .env file: not for this app.
FLASK_OPTIONS = ("env_file", "app", "debug")


class AvvikGroup(FlaskGroup):
    def __init__(self, **extra: object) -> None:
        super().__init__(create_app=_create_app, add_default_commands=False,
                         add_version_option=False, load_dotenv=False, set_debug_flag=False,
                         **extra)
        self.params = [param for param in self.params if param.name not in FLASK_OPTIONS]


@click.group(cls=AvvikGroup)
@click.version_option(package_name="avvik", prog_name="avvik")
def cli() -> None:
    """Avvik: mutual deviation reporting between municipalities and hospital trusts."""


def main() -> None:
    try:
        cli.main(prog_name="avvik")
    except ConfigError as error:
        # One line that names the missing setting, no traceback.
        click.echo(f"avvik: {error}", err=True)
        sys.exit(2)
