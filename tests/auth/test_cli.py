"""``avvik create-user``: operators make the first administrator."""

from __future__ import annotations

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
