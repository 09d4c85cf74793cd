"""Where passwords are set: the policy holds in every service that sets a person's
password, the demo's published password among the refused, and old hashes renewed."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from avvik.auth import services as auth_services
from avvik.core.errors import ValidationFailed
from avvik.demo.people import DEMO_PASSWORD
from avvik.extensions import db
from avvik.users import services as user_services
from tests.factories import DEFAULT_PASSWORD, make_user

#: The probe's examples (issue 17), all accepted for new users before.
PROBE = ("aaaaaaaaaa", "0000000000", "Sommer2026!", DEMO_PASSWORD)
STRONG = "tre blå fugler på taket"


def _hash_parameters(password_hash: str) -> dict[str, int]:
    found = re.search(r"\$m=(\d+),t=(\d+),p=(\d+)\$", password_hash)
    assert found, password_hash
    return dict(zip(("m", "t", "p"), map(int, found.groups()), strict=True))


def _new_user(password: str) -> None:
    admin = make_user(is_admin=True)
    user_services.create_user(admin, username="ny.bruker", full_name="Ny Bruker",
                              email="ny@example.org", locale=None, is_admin=False,
                              password=password)


@pytest.mark.parametrize("password", PROBE)
def test_the_probes_passwords_are_refused_for_a_new_user(request_context, password):
    with pytest.raises(ValidationFailed) as refused:
        _new_user(password)
    assert [field for field, _ in refused.value.errors] == ["password"]


@pytest.mark.parametrize("password", PROBE)
def test_the_probes_passwords_are_refused_by_the_command_line(request_context, password):
    with pytest.raises(ValidationFailed):
        auth_services.create_user("ny.bruker", "Ny Bruker", "ny@example.org", password)


def test_the_demo_password_is_refused_with_what_to_do(request_context):
    for password in (DEMO_PASSWORD, DEMO_PASSWORD.upper(), f" {DEMO_PASSWORD} "):
        with pytest.raises(ValidationFailed) as refused:
            _new_user(password)
        assert refused.value.errors == [
            ("password", "This is the demo's published password. Choose one of your own.")]


def test_the_demo_password_is_refused_for_a_password_change(request_context, kari):
    with pytest.raises(ValidationFailed) as refused:
        auth_services.change_password(kari, DEFAULT_PASSWORD, DEMO_PASSWORD,
                                      current_token=None)
    assert refused.value.errors[0][0] == "new_password"


def test_the_demo_password_is_refused_in_an_administrators_reset(request_context, kari):
    admin = make_user(is_admin=True)
    with pytest.raises(ValidationFailed):
        user_services.update_user(admin, kari, username="kari", full_name=kari.full_name,
                                  email=kari.email, locale=None, is_admin=False,
                                  password=DEMO_PASSWORD)


def test_a_strong_passphrase_is_accepted(request_context):
    _new_user(STRONG)


def test_sign_in_renews_a_hash_made_with_the_old_parameters(app, request_context, kari):
    app.config.update(PASSWORD_HASH_TIME_COST=2, PASSWORD_HASH_MEMORY_COST=19456)
    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)
    kari.password_hash = old.hash(DEFAULT_PASSWORD)
    db.session.flush()
    assert _hash_parameters(kari.password_hash) == {"m": 65536, "t": 3, "p": 4}

    auth_services.sign_in("kari", DEFAULT_PASSWORD)
    db.session.flush()
    db.session.refresh(kari)

    assert _hash_parameters(kari.password_hash) == {"m": 19456, "t": 2, "p": 1}
    renewed = kari.password_hash
    auth_services.sign_in("kari", DEFAULT_PASSWORD)
    assert kari.password_hash == renewed  # renewed once, not at every sign-in
