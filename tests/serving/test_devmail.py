"""The SMTP debugging server of `make run`: prints each message and saves it as .eml."""

from __future__ import annotations

import smtplib
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from avvik.core.procfs import port_open
from tests.services import free_port
from tests.tasks.processes import clean_environment, stop_process, wait_for


def sample_message() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Avvik <avvik@localhost>"
    message["To"] = "leder@example.org"
    message["Subject"] = "Sak 2026-0042: ny melding"
    message["Message-ID"] = "<report.42.routed@avvik>"
    message.set_content("Sak 2026-0042 er sendt til enheten din.")
    message.add_alternative("<p>Sak 2026-0042 er sendt til enheten din.</p>", subtype="html")
    return message


@pytest.mark.slow
def test_debugging_server_prints_the_message_and_saves_it_as_eml(tmp_path: Path) -> None:
    port, mail_dir = free_port(), tmp_path / "mail"
    server = subprocess.Popen(
        [sys.executable, "-m", "avvik.serving.devmail", "--port", str(port),
         "--dir", str(mail_dir)],
        env=clean_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: port_open(port) or server.poll() is not None, 30,
                 "the debugging server to listen")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(sample_message())
        saved = wait_for(lambda: list(mail_dir.glob("*.eml")), 10, "the saved message")
    finally:
        assert stop_process(server) == 0
        output = server.stdout.read()
        server.stdout.close()

    assert len(saved) == 1
    assert b"Message-ID: <report.42.routed@avvik>" in saved[0].read_bytes()
    assert "From:    Avvik <avvik@localhost>" in output
    assert "To:      leder@example.org" in output
    assert "Subject: Sak 2026-0042: ny melding" in output
    assert "Sak 2026-0042 er sendt til enheten din." in output
    assert "<p>" not in output  # the text part, not the HTML
    assert not list(mail_dir.glob("*.part"))
