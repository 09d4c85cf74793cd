"""``avvik create-user``: how operators make the first administrator in production."""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext

from avvik.core.errors import ValidationFailed
from avvik.extensions import db

#: Lets scripts pass the password without a prompt (and without putting it in argv).
PASSWORD_ENV = "AVVIK_NEW_PASSWORD"


@click.command("create-user")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--email", required=True, help="The person's e-mail address.")
@click.option("--admin", "is_admin", is_flag=True, help="Make the user an administrator.")
@with_appcontext
def create_user_command(username: str, full_name: str, email: str, is_admin: bool) -> None:
    """Create a user who signs in with a password.

    The password is read from AVVIK_NEW_PASSWORD if set, otherwise asked for twice
    without echo. It must meet the password policy.
    """
    from avvik.auth.services import create_user

    password = os.environ.get(PASSWORD_ENV) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(username, full_name, email, password, is_admin=is_admin)
    except ValidationFailed as error:
        for field, reason in error.errors:
            click.echo(f"{field}: {reason}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    role = "administrator" if is_admin else "user"
    click.echo(f"Created {role} {user.username} ({user.email}).")
