"""``avvik create-user``: operators make the first administrator."""

from __future__ import annotations

import json

from avvik.auth.passwords import verify_password
from avvik.extensions import db
from avvik.users.models import User
from tests.factories import make_user

PASSWORD = "tre-blå-fugler-på-taket"


def user_named(username: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()


def test_create_admin_with_password_from_environment(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "Ola.Admin", "--name", "Ola Admin", "--email", "ola@example.com",
              "--admin"], env={"AVVIK_NEW_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1
    assert "ola.admin" in result.output and PASSWORD not in result.output
    user = user_named("ola.admin")
    assert user.is_admin and user.is_active and user.full_name == "Ola Admin"
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)


def test_create_user_with_password_from_prompt(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "per", "--name", "Per Melder", "--email", "per@example.com"],
        input=f"{PASSWORD}\n{PASSWORD}\n", env={"AVVIK_NEW_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # the prompt does not echo
    user = user_named("per")
    assert not user.is_admin
    assert verify_password(user.password_hash, PASSWORD)


def test_weak_password_is_refused(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "per", "--name", "Per Melder", "--email", "per@example.com"],
        env={"AVVIK_NEW_PASSWORD": "password1234"})
    assert result.exit_code == 1
    assert "too easy to guess" in result.output
    assert user_named("per") is None


def test_taken_name_and_bad_email_are_refused(app, db_session):
    make_user("kari")
    result = app.test_cli_runner().invoke(
        args=["create-user", "KARI", "--name", "Kari To", "--email", "ikke-en-adresse"],
        env={"AVVIK_NEW_PASSWORD": PASSWORD})
    assert result.exit_code == 1
    assert "username: This user name is taken." in result.output
    assert "email:" in result.output


def test_with_password_sign_in_off_the_first_administrator_needs_no_password(
        app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_SIGNIN", False)
    result = app.test_cli_runner().invoke(
        args=["create-user", "ola", "--name", "Ola Admin", "--email", "ola@example.com",
              "--admin", "--external-id", "9144900"], env={"AVVIK_NEW_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    user = user_named("ola")
    assert user.is_admin and user.external_id == "9144900"
    assert not verify_password(user.password_hash, "")


def test_oidc_public_key_prints_the_key_to_register_at_the_provider(app, tmp_path,
                                                                   monkeypatch):
    from joserfc.jwk import KeySet

    from avvik.auth.oidc.keys import read_client_key
    from tests.oidc_provider import write_client_key

    key_file = write_client_key(tmp_path / "client.pem")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_KEY_FILE", str(key_file))

    result = app.test_cli_runner().invoke(args=["oidc-public-key"])

    assert result.exit_code == 0, result.output
    (public,) = KeySet.import_key_set(json.loads(result.output)).keys
    assert not public.is_private
    assert public.kid == read_client_key(str(key_file)).kid
    assert json.loads(result.output)["keys"][0]["alg"] == "RS256"
