"""SMTP with TLS and a login (AVVIK_SMTP_TLS, AVVIK_SMTP_USERNAME, AVVIK_SMTP_PASSWORD),
against a real server (aiosmtpd) that demands both, and the settings that configure it."""

from __future__ import annotations

import datetime
import ipaddress
import smtplib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask

import config
from avvik.core import smtp
from avvik.core.mail import build_message, send_message
from tests.services import free_port
from tests.tasks.processes import CollectingHandler

USER, PASSWORD = "avvik-relay", "s3cret pass"

# aiosmtpd's warning for the implicit-TLS relay, which it cannot tell from a plain one.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS:UserWarning")


@dataclass
class Certificate:
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    # OpenSSL checks it against the machine's own clock: valid on any day the tests run.
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
            .not_valid_after(datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    paths = Certificate(folder / "cert.pem", folder / "key.pem")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    return paths


class Authenticator:
    """Accepts USER / PASSWORD, and remembers every login tried."""

    def __init__(self) -> None:
        self.tried: list[tuple[str, bool]] = []

    def __call__(self, _server: Any, _session: Any, _envelope: Any, _mechanism: str,
                 data: Any) -> AuthResult:
        ok = (isinstance(data, LoginPassword) and data.login == USER.encode()
              and data.password == PASSWORD.encode())
        self.tried.append((data.login.decode() if isinstance(data, LoginPassword) else "", ok))
        return AuthResult(success=ok, handled=False)  # a failure answers 535


@dataclass
class Relay:
    port: int
    handler: CollectingHandler
    logins: Authenticator


def start_relay(certificate: Certificate, mode: str) -> tuple[Controller, Relay]:
    """A relay that wants a login over TLS: STARTTLS first, or TLS from the first byte."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate.cert, certificate.key)
    relay = Relay(free_port(), CollectingHandler(), Authenticator())
    options: dict[str, Any] = {"authenticator": relay.logins, "auth_required": True}
    if mode == "ssl":
        # aiosmtpd offers AUTH only after its own STARTTLS; this connection is TLS throughout.
        options.update(ssl_context=context, auth_require_tls=False)
    else:
        options.update(tls_context=context, require_starttls=True)
    controller = Controller(relay.handler, hostname="127.0.0.1", port=relay.port,
                            ready_timeout=30, **options)
    controller.start()
    return controller, relay


@pytest.fixture(params=["starttls", "ssl"])
def relay(request: pytest.FixtureRequest, certificate: Certificate, app: Flask,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Relay]:
    controller, relay = start_relay(certificate, request.param)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))  # trust the test's own CA
    for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": relay.port,
                        "SMTP_TLS": request.param, "SMTP_USERNAME": USER,
                        "SMTP_PASSWORD": PASSWORD}.items():
        monkeypatch.setitem(app.config, name, value)
    try:
        yield relay
    finally:
        controller.stop()


def test_mail_goes_out_over_tls_after_logging_in(app: Flask, relay: Relay) -> None:
    with app.app_context():
        send_message(build_message("kari@example.org", "test", {"to": "kari@example.org"},
                                   "<test.tls@avvik>"))

    assert relay.logins.tried == [(USER, True)]
    assert [(rcpt, m["Message-ID"]) for rcpt, m in relay.handler.messages] == [
        (["kari@example.org"], "<test.tls@avvik>")]


def test_a_kept_connection_logs_in_once_for_many_emails(app: Flask, relay: Relay) -> None:
    with app.app_context():
        for n in range(3):
            smtp.send(app.config, build_message(f"p{n}@example.org", "test", {"to": "x"},
                                                f"<t.{n}@a>"))
    smtp.close()

    assert relay.logins.tried == [(USER, True)]
    assert len(relay.handler.messages) == 3


def test_a_wrong_password_is_refused_and_nothing_is_sent(app: Flask, relay: Relay,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "wrong")
    with app.app_context(), pytest.raises(smtplib.SMTPAuthenticationError):
        send_message(build_message("kari@example.org", "test", {"to": "x"}, "<t.w@a>"))

    # smtplib tries each mechanism the relay offers (PLAIN, then LOGIN); none gets in.
    assert relay.logins.tried and set(relay.logins.tried) == {(USER, False)}
    assert relay.handler.messages == []


def test_a_certificate_nobody_vouches_for_is_refused(app: Flask, relay: Relay,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    # An empty trust store: the server's certificate is one the client cannot check.
    empty = tmp_path / "none.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    with app.app_context(), pytest.raises(ssl.SSLCertVerificationError):
        send_message(build_message("kari@example.org", "test", {"to": "x"}, "<t.c@a>"))

    assert relay.logins.tried == []  # the password never left


def test_smtp_settings_are_optional_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_TLS"):
        monkeypatch.delenv(f"AVVIK_{name}", raising=False)
    default = config.load_config("development")
    assert (default.SMTP_TLS, default.SMTP_USERNAME, default.SMTP_PASSWORD) == (
        "off", None, None)

    monkeypatch.setenv("AVVIK_SMTP_TLS", "STARTTLS")
    assert config.load_config("development").SMTP_TLS == "starttls"

    monkeypatch.setenv("AVVIK_SMTP_TLS", "yes")
    with pytest.raises(config.ConfigError, match="AVVIK_SMTP_TLS='yes' is unknown"):
        config.load_config("development")

    monkeypatch.setenv("AVVIK_SMTP_TLS", "ssl")
    monkeypatch.setenv("AVVIK_SMTP_USERNAME", USER)
    with pytest.raises(config.ConfigError, match="must be set together"):
        config.load_config("development")


def test_the_sender_address_is_checked_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    for accepted in ("Avvik <avvik@bærum.kommune.no>", "avvik@example.org",
                     '"Avvik, Bærum" <åse@bærum.kommune.no>'):
        monkeypatch.setenv("AVVIK_MAIL_FROM", accepted)
        loaded = config.load_config("development")
        assert accepted == loaded.MAIL_FROM

    for wrong, problem in (("Avvik", "is not an address"),
                           ("Avvik <avvik@example.org>\r\nBcc: x@example.org",
                            "is not an address"),
                           ("avvik@" + "x" * 70 + ".no", "has a domain without an IDNA form")):
        monkeypatch.setenv("AVVIK_MAIL_FROM", wrong)
        with pytest.raises(config.ConfigError, match=f"AVVIK_MAIL_FROM=.* {problem}"):
            config.load_config("development")


def test_the_relay_fixture_really_wants_tls_and_a_login(certificate: Certificate) -> None:
    controller, relay = start_relay(certificate, "starttls")
    try:
        with smtplib.SMTP("127.0.0.1", relay.port, timeout=10) as plain:
            code, _ = plain.mail("avvik@example.org")
    finally:
        controller.stop()
    assert code == 530  # "Must issue a STARTTLS command first"


@pytest.mark.parametrize(("error", "code"), [
    (smtplib.SMTPDataError(554, b"refused"), 554),
    (smtplib.SMTPSenderRefused(553, b"not from you", "a@example.org"), 553),
    (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no"),
                                    "b@example.org": (551, b"no")}), 551),
    # Passes by itself, or is the server's or the configuration's, not the e-mail's.
    (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no"),
                                    "b@example.org": (450, b"later")}), None),
    (smtplib.SMTPDataError(451, b"later"), None),
    (smtplib.SMTPDataError(421, b"closing"), None),
    (smtplib.SMTPHeloError(554, b"go away"), None),
    (smtplib.SMTPAuthenticationError(535, b"wrong"), None),
    (smtplib.SMTPServerDisconnected("gone"), None),
    (ConnectionRefusedError(), None),
    (TimeoutError(), None),
])
def test_only_a_5xx_to_the_mail_itself_is_a_permanent_refusal(error: BaseException,
                                                               code: int | None) -> None:
    assert smtp.refusal(error) == code
