"""``avvik create-user``: how operators make the first administrator in production;
``avvik oidc-public-key``: the client's public key, to register at the OpenID provider."""

from __future__ import annotations

import json
import os

import click
from flask import current_app
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
@click.option("--external-id", default=None,
              help="The person's value of AVVIK_OIDC_USER_CLAIM, when it is not email.")
@with_appcontext
def create_user_command(username: str, full_name: str, email: str, is_admin: bool,
                        external_id: str | None) -> None:
    """Create a user who signs in with a password, or through single sign-on.

    The password is read from AVVIK_NEW_PASSWORD if set, otherwise asked for twice
    without echo. It must meet the password policy. While password sign-in is off
    (AVVIK_PASSWORD_SIGNIN=off) none is asked for.
    """
    from avvik.auth.services import create_user

    password = os.environ.get(PASSWORD_ENV) or ("" if not current_app.config["PASSWORD_SIGNIN"]
                                                else click.prompt("Password", hide_input=True,
                                                                  confirmation_prompt=True))
    try:
        user = create_user(username, full_name, email, password, is_admin=is_admin,
                           external_id=external_id)
    except ValidationFailed as error:
        for field, reason in error.errors:
            click.echo(f"{field}: {reason}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    role = "administrator" if is_admin else "user"
    click.echo(f"Created {role} {user.username} ({user.email}).")


@click.command("oidc-public-key")
@with_appcontext
def oidc_public_key_command() -> None:
    """Print the public half of AVVIK_OIDC_CLIENT_KEY_FILE as a JWK set, to register at
    the OpenID provider (HelseID's self-service, for one) for private_key_jwt."""
    from avvik.auth.oidc.keys import public_jwk

    path = current_app.config.get("OIDC_CLIENT_KEY_FILE")
    if not path:
        raise click.UsageError("AVVIK_OIDC_CLIENT_KEY_FILE is not set")
    click.echo(json.dumps({"keys": [public_jwk(path)]}, indent=2))
