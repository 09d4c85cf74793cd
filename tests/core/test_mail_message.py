"""Composing e-mail (text + HTML) and handing it to an SMTP server."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest
from flask import Flask

from avvik.core.mail import build_message, send_message
from tests.clock import Clock
from tests.services import free_port
from tests.tasks.processes import SmtpServer


def test_message_has_headers_text_and_html_alternative(app: Flask) -> None:
    with app.app_context():
        message = build_message("ola@example.org", "test", {"to": "ola@example.org"},
                                "<test.abc@avvik>", "en")

    assert message["From"] == app.config["MAIL_FROM"]
    assert message["To"] == "ola@example.org"
    assert message["Message-ID"] == "<test.abc@avvik>"
    assert message["Subject"] == "Test message from Avvik"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "en"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.startswith("This is a test message from Avvik.")
    assert "Subject:" not in text
    assert '<html lang="en">' in html
    assert app.config["BASE_URL"] in text and app.config["BASE_URL"] in html
    written = message.as_bytes()
    assert written.count(b"MIME-Version:") == 1


def test_html_part_escapes_what_the_text_part_shows_as_is(app: Flask) -> None:
    with app.app_context():
        message = build_message("ola@example.org", "test", {"to": "<b>ola</b>"}, "<t.1@avvik>")

    assert "<b>ola</b>" in message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "&lt;b&gt;ola&lt;/b&gt;" in html and "<b>ola</b>" not in html


def test_send_message_delivers_to_the_configured_server(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    server = SmtpServer(free_port())
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    server.start()
    try:
        with app.app_context():
            send_message(build_message("kari@example.org", "test", {"to": "kari@example.org"},
                                       "<test.send@avvik>"))
    finally:
        server.stop()

    assert [(rcpt, m["Message-ID"]) for rcpt, m in server.messages] == [
        (["kari@example.org"], "<test.send@avvik>")
    ]


def test_send_message_raises_oserror_when_no_server_answers(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    with app.app_context():
        message = build_message("kari@example.org", "test", {"to": "x"}, "<test.down@avvik>")

        with pytest.raises(OSError):
            send_message(message)


@pytest.mark.parametrize("name", [
    "Avdeling for helse og omsorg i Bærum kommune, Sørlandet og Østfold (område Ålesund)",
    "Å" * 30 + "ø" + "x" * 40,  # two-byte characters across the ends of encoded words
    "x" * 38 + "€" + "😀" * 12,  # three and four bytes
])
def test_long_non_ascii_names_are_folded_into_lines_of_78_at_most(
        app: Flask, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    sender = "Avvik – " + name
    monkeypatch.setitem(app.config, "MAIL_FROM", f'"{sender}" <avvik@bærum.kommune.no>')
    with app.app_context():
        message = build_message("ola@example.org", "case_forwarded",
                                {"case_number": "2026-000123", "unit": name},
                                "<t.4@avvik>", "en")
    data = message.as_bytes()
    head = data.split(b"\r\n\r\n", 1)[0]

    assert head.isascii()
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    # Decoded as RFC 2047 says (Python 3.11's own header parser joins two adjacent encoded
    # words with a space); its folder may leave a blank before a fold, hence split().
    back = message_from_bytes(data, policy=policy.compat32)
    decoded = {name: " ".join(str(make_header(decode_header(back[name]))).split())
               for name in ("Subject", "From")}
    assert decoded == {"Subject": f"Your case 2026-000123 has moved to {name}",
                       "From": f"{sender} <avvik@xn--brum-voa.kommune.no>"}


def test_the_date_header_is_now(app: Flask, clock: Clock) -> None:
    with app.app_context():
        message = build_message("ola@example.org", "test", {"to": "x"}, "<t.3@avvik>", "en")

    assert message["Date"].datetime == clock.now
