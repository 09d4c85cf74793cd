"""Single sign-on settings: what would fail at the first sign-in is refused at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

import config
from tests.oidc_provider import write_client_key

ISSUER = "https://helseid-sts.example.test"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return write_client_key(tmp_path / "client.pem")


def settings(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_KEY_FILE",
                 "OIDC_CLIENT_SECRET", "OIDC_SCOPES", "OIDC_USER_CLAIM", "PASSWORD_SIGNIN"):
        monkeypatch.delenv(f"AVVIK_{name}", raising=False)
    for name, value in values.items():
        monkeypatch.setenv(f"AVVIK_{name}", value)


def test_without_an_issuer_there_is_no_single_sign_on_and_passwords_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings(monkeypatch)

    loaded = config.load_config("development")

    assert loaded.OIDC_ISSUER is None
    assert loaded.PASSWORD_SIGNIN is True


def test_a_client_with_a_key_gets_the_default_scopes_and_claim(
        monkeypatch: pytest.MonkeyPatch, key_file: Path) -> None:
    settings(monkeypatch, OIDC_ISSUER=ISSUER, OIDC_CLIENT_ID="avvik",
             OIDC_CLIENT_KEY_FILE=str(key_file), PASSWORD_SIGNIN="off")

    loaded = config.load_config("development")

    assert (loaded.OIDC_SCOPES, loaded.OIDC_USER_CLAIM) == ("openid profile email", "email")
    assert loaded.PASSWORD_SIGNIN is False


@pytest.mark.parametrize(("values", "said"), [
    ({"OIDC_CLIENT_ID": "avvik"}, "AVVIK_OIDC_ISSUER must be set when the other"),
    ({"PASSWORD_SIGNIN": "off"}, "AVVIK_PASSWORD_SIGNIN=off needs single sign-on"),
    ({"PASSWORD_SIGNIN": "nei"}, "AVVIK_PASSWORD_SIGNIN='nei' must be on or off"),
    ({"OIDC_ISSUER": "helseid-sts.example.test", "OIDC_CLIENT_ID": "avvik",
      "OIDC_CLIENT_SECRET": "s"}, "must be the provider's https:// address"),
    ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_SECRET": "s"}, "AVVIK_OIDC_CLIENT_ID must be set"),
    ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "avvik"},
     "Set one of AVVIK_OIDC_CLIENT_KEY_FILE"),
    ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "avvik", "OIDC_CLIENT_SECRET": "s",
      "OIDC_CLIENT_KEY_FILE": "/dev/null"}, "Set one of AVVIK_OIDC_CLIENT_KEY_FILE"),
    ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "avvik", "OIDC_CLIENT_SECRET": "s",
      "OIDC_SCOPES": "profile email"}, "must include openid"),
    ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "avvik",
      "OIDC_CLIENT_KEY_FILE": "/nowhere/client.pem"}, "cannot be read"),
    ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "avvik",
      "OIDC_CLIENT_KEY_FILE": __file__}, "is not an unencrypted PEM private key"),
])
def test_a_setting_that_cannot_work_is_refused_in_one_line(
        monkeypatch: pytest.MonkeyPatch, values: dict[str, str], said: str) -> None:
    settings(monkeypatch, **values)

    with pytest.raises(config.ConfigError, match=said) as refused:
        config.load_config("development")
    assert "\n" not in str(refused.value)


def test_production_wants_the_issuer_over_https(monkeypatch: pytest.MonkeyPatch) -> None:
    settings(monkeypatch, OIDC_ISSUER="http://helseid-sts.example.test",
             OIDC_CLIENT_ID="avvik", OIDC_CLIENT_SECRET="s")
    for name, value in {"SECRET_KEY": "k" * 40, "DATABASE_URL": "postgresql://db/avvik",
                        "BROKER_URL": "redis://broker", "BASE_URL": "https://avvik.example",
                        "IDENTITY_KEY": Fernet.generate_key().decode(),
                        "SMTP_HOST": "smtp.example", "MAIL_FROM": "avvik@example"}.items():
        monkeypatch.setenv(f"AVVIK_{name}", value)

    with pytest.raises(config.ConfigError, match="AVVIK_OIDC_ISSUER must be an https://"):
        config.load_config("production")
