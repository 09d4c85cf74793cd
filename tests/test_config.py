"""Production fails fast: a missing setting stops every entry point with one line naming it."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

import config
from tests.services import free_port
from tests.tasks.processes import clean_environment

BIN = Path(sys.executable).parent
#: Settings production accepts (fictional hosts; keys made for the test run).
ALL_REQUIRED = {f"AVVIK_{name}": "set" for name in config.ProductionConfig.REQUIRED} | {
    "AVVIK_SECRET_KEY": "k" * 16 + "a-test-only-secret-value",
    "AVVIK_DATABASE_URL": "postgresql://db.example.org/avvik",
    "AVVIK_BASE_URL": "https://avvik.example.org",
    "AVVIK_MAIL_FROM": "Avvik <avvik@example.org>",
    # Fixed, so that the parameter ids below are the same in every test process.
    "AVVIK_IDENTITY_KEY": base64.urlsafe_b64encode(b"test-only-identity-key-32-bytes!").decode(),
}


@pytest.mark.parametrize("missing", config.ProductionConfig.REQUIRED)
def test_production_config_names_the_missing_setting(missing: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ALL_REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(f"AVVIK_{missing}")

    with pytest.raises(config.ConfigError, match=f"AVVIK_{missing} must be set"):
        config.load_config("production")


def test_production_config_loads_when_every_required_setting_is_there(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ALL_REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AVVIK_DATABASE_URL", "postgres://db.example.org/avvik")

    loaded = config.load_config("production")

    assert loaded.SESSION_COOKIE_SECURE is True
    assert loaded.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://db.example.org/avvik"


@pytest.mark.parametrize(("base_url", "secure"), [
    ("http://127.0.0.1:5000", False),
    ("https://avvik.example.org", True),
])
def test_outside_production_the_session_cookie_is_secure_under_an_https_base_url(
        base_url: str, secure: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # As the README says: Secure under https://, and always in production (above),
    # which refuses any other base URL.
    monkeypatch.setenv("AVVIK_BASE_URL", base_url)
    for name in ("development", "testing"):
        assert config.load_config(name).SESSION_COOKIE_SECURE is secure


@pytest.mark.parametrize(("name", "value", "said"), [
    ("AVVIK_SECRET_KEY", "x", "AVVIK_SECRET_KEY must be a random value of at least 32"),
    ("AVVIK_SECRET_KEY", "dev-only-not-secret", "AVVIK_SECRET_KEY must be a random value"),
    ("AVVIK_BASE_URL", "http://avvik.example.org", "AVVIK_BASE_URL must be an https://"),
    ("AVVIK_DATABASE_URL", "sqlite:////srv/avvik.sqlite3",
     "AVVIK_DATABASE_URL must name a PostgreSQL database"),
    ("AVVIK_IDENTITY_KEY", "not-a-key", "AVVIK_IDENTITY_KEY: key 1 is not a Fernet key"),
    ("AVVIK_IDENTITY_KEY", f"{ALL_REQUIRED['AVVIK_IDENTITY_KEY']},short",
     "AVVIK_IDENTITY_KEY: key 2 is not a Fernet key"),
])
def test_production_refuses_an_unsafe_setting_in_one_line(
        name: str, value: str, said: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for setting, good in ALL_REQUIRED.items():
        monkeypatch.setenv(setting, good)
    monkeypatch.setenv(name, value)

    with pytest.raises(config.ConfigError, match=said) as refused:
        config.load_config("production")
    assert "\n" not in str(refused.value)


def test_a_secret_key_of_32_random_characters_is_enough(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for setting, good in ALL_REQUIRED.items():
        monkeypatch.setenv(setting, good)
    monkeypatch.setenv("AVVIK_SECRET_KEY", "q" * 32)
    assert config.load_config("production").SECRET_KEY == "q" * 32


def test_production_hashes_passwords_at_owasps_argon2id_parameters(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from avvik.app import create_app
    from avvik.auth.passwords import hash_password

    for setting, good in ALL_REQUIRED.items():
        monkeypatch.setenv(setting, good)
    app = create_app(config.load_config("production"))
    with app.app_context():
        assert hash_password("tre blå fugler på taket").startswith(
            "$argon2id$v=19$m=19456,t=2,p=1$")


def entry_points() -> dict[str, list[str]]:
    return {
        "avvik": [str(BIN / "avvik"), "db", "upgrade"],
        "gunicorn": [str(BIN / "gunicorn"), "--preload", "-w", "2",
                     "-b", f"127.0.0.1:{free_port()}", "avvik.wsgi:app"],
        "celery": [str(BIN / "celery"), "-A", "workers.app", "worker"],
    }


@pytest.mark.slow
@pytest.mark.parametrize("entry_point", ["avvik", "gunicorn", "celery"])
def test_production_entry_point_stops_with_one_line_naming_the_setting(
        entry_point: str, tmp_path: Path) -> None:
    settings = {**ALL_REQUIRED, "AVVIK_ENV": "production", "AVVIK_INSTANCE_DIR": str(tmp_path)}
    del settings["AVVIK_IDENTITY_KEY"]

    done = subprocess.run(entry_points()[entry_point], env=clean_environment(**settings),
                          capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].endswith(": AVVIK_IDENTITY_KEY must be set when AVVIK_ENV=production")


@pytest.mark.slow
def test_unknown_environment_is_refused_in_one_line(tmp_path: Path) -> None:
    env = clean_environment(AVVIK_ENV="staging", AVVIK_INSTANCE_DIR=str(tmp_path))

    done = subprocess.run([str(BIN / "avvik"), "db", "current"], env=env,
                          capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "avvik: AVVIK_ENV='staging' is unknown; use one of development, testing, production"
    ]


def test_production_asks_administrators_for_codes_unless_single_sign_on_is_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for setting, good in ALL_REQUIRED.items():
        monkeypatch.setenv(setting, good)
    assert config.load_config("production").ADMIN_TOTP_REQUIRED is True
    assert config.load_config("development").ADMIN_TOTP_REQUIRED is False
    monkeypatch.setenv("AVVIK_OIDC_ISSUER", "https://helseid-sts.nhn.no")
    monkeypatch.setenv("AVVIK_OIDC_CLIENT_ID", "avvik")
    monkeypatch.setenv("AVVIK_OIDC_CLIENT_SECRET", "a-test-only-client-secret")
    assert config.load_config("production").ADMIN_TOTP_REQUIRED is False


@pytest.mark.parametrize(("name", "value", "said"), [
    ("AVVIK_TOTP_KEY", "not-a-key", "AVVIK_TOTP_KEY is not a Fernet key"),
    ("AVVIK_LOGIN_ACCOUNT_LIMIT", "ten a minute", "is not a rate limit"),
])
def test_production_refuses_a_bad_code_key_or_limit(
        name: str, value: str, said: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for setting, good in ALL_REQUIRED.items():
        monkeypatch.setenv(setting, good)
    monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError, match=said):
        config.load_config("production")
@pytest.mark.parametrize(("value", "expected"), [(None, "agenda"), ("community", "community"),
                                                 (" Agenda ", "agenda")])
def test_the_secretariat_reads_its_agenda_unless_told_otherwise(
        monkeypatch: pytest.MonkeyPatch, value: str | None, expected: str) -> None:
    if value is None:
        monkeypatch.delenv("AVVIK_SECRETARIAT_READS", raising=False)
    else:
        monkeypatch.setenv("AVVIK_SECRETARIAT_READS", value)
    reads = config.TestingConfig().SECRETARIAT_READS
    assert reads == expected


def test_an_unknown_secretariat_reading_is_refused_in_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVVIK_SECRETARIAT_READS", "everything")
    with pytest.raises(config.ConfigError) as refused:
        config.TestingConfig()
    assert str(refused.value) == ("AVVIK_SECRETARIAT_READS='everything' is unknown; use one "
                                  "of agenda, community")
