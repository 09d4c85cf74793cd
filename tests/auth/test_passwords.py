"""Password hashing and the password policy."""

from __future__ import annotations

from avvik.auth.passwords import (
    dummy_password_hash,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)


def test_password_is_hashed_with_argon2id(app, db_session):
    password_hash = hash_password("lang-og-trygt-passord")
    assert password_hash.startswith("$argon2id$")
    assert "lang-og-trygt-passord" not in password_hash
    assert verify_password(password_hash, "lang-og-trygt-passord")
    assert not verify_password(password_hash, "lang-og-trygt-passorD")


def test_verify_refuses_a_broken_hash_instead_of_raising(app, db_session):
    assert not verify_password("not-a-hash", "whatever-password")


def test_hash_with_other_parameters_needs_rehash(app, db_session):
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=2, memory_cost=2048).hash("lang-og-trygt-passord")
    assert needs_rehash(old)
    assert not needs_rehash(hash_password("lang-og-trygt-passord"))


def test_dummy_hash_uses_the_apps_parameters_and_matches_nothing(app, db_session):
    dummy = dummy_password_hash()
    assert dummy.startswith("$argon2id$")
    assert not needs_rehash(dummy)  # same cost as a real check: timing tells nothing
    assert dummy == dummy_password_hash()
    assert not verify_password(dummy, "")


def test_policy_asks_for_at_least_12_characters(request_context):
    assert password_problems("fjord-kaffe") != []  # 11 characters
    assert "at least 12 characters" in password_problems("fjord-kaffe")[0]


def test_policy_rejects_common_and_guessable_passwords(request_context):
    for weak in ("password1234", "123456789012", "qwertyuiop12", "Passord12345",
                 "velkommen123", "aaaaaaaaaaaa", "000000000000", "Sommer2026!!",
                 "Passord2026!!", "Vinter2025!!", "Trondheim2026!"):
        problems = password_problems(weak)
        assert problems, weak
        assert "too easy to guess" in problems[0], weak


def test_guessable_password_is_told_why_and_what_to_do(request_context):
    [problem] = password_problems("aaaaaaaaaaaa")
    assert "Repeated characters are easy to guess." in problem
    assert "three or four uncommon words" in problem


def test_policy_rejects_password_containing_the_user_name(request_context):
    assert password_problems("kari.nordmann-2026", username="kari.nordmann")


def test_policy_accepts_long_uncommon_password(request_context):
    assert password_problems("blå-fjord-kaffe-sykkel") == []
    assert password_problems("korrekt-hest-batteri-42", username="kari") == []
    assert password_problems("tre blå fugler på taket") == []


def test_a_very_long_password_is_judged_without_error(request_context):
    assert password_problems("fjell-bris-kanelbolle-" * 8) == []
