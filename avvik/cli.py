"""The ``avvik`` console script: Flask's CLI over ``create_app`` plus the project's commands.

``avvik db upgrade`` comes from Flask-Migrate; the others are registered in ``init_cli``.
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


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def cli() -> None:
    """Avvik: mutual deviation reporting between municipalities and hospital trusts."""


def main() -> None:
    try:
        cli.main(prog_name="avvik")
    except ConfigError as error:
        # One line that names the missing setting, no traceback.
        click.echo(f"avvik: {error}", err=True)
        sys.exit(2)
