"""Composing e-mail (text + HTML) and handing it to an SMTP server."""

from __future__ import annotations

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


@pytest.mark.parametrize("subject", [
    "Forfalt sak 2026-000123 (eskaleringsnivå 1)",
    "Å" * 30 + "ø" + "x" * 40,  # two-byte characters across the ends of encoded words
    "x" * 38 + "€" + "😀" * 12,  # three and four bytes
])
def test_a_long_or_non_ascii_subject_is_folded_between_characters(subject: str) -> None:
    from email.header import decode_header

    from avvik.core.mail import _subject

    line = _subject(subject)
    lines = line.split("\r\n")
    words = [part.strip() for part in line.removeprefix("Subject: ").split("\r\n")]
    decoded = [raw.decode(charset) for word in words
               for raw, charset in decode_header(word)]  # each word whole UTF-8 on its own

    assert all(len(each) <= 76 for each in lines)
    assert "".join(decoded) == subject


def test_the_date_header_is_now(app: Flask, clock: Clock) -> None:
    with app.app_context():
        message = build_message("ola@example.org", "test", {"to": "x"}, "<t.3@avvik>", "en")

    assert message["Date"].datetime == clock.now
