"""One e-mail on a kept connection (``avvik.core.smtp.send_one``), against a real server:
what smtplib's ``sendmail`` would have sent and raised, byte for byte."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from avvik.core.smtp import send_one
from tests.services import free_port

REFUSED, DEFERRED = "gone@example.org", "full@example.org"
BANNED = "spammer@example.org"


class RawHandler:
    """Keeps each message's envelope as received, refuses and defers some recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], list[str], bytes]] = []

    async def handle_MAIL(self, _server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address == BANNED:
            return "553 not from you"
        envelope.mail_from, envelope.mail_options = address, list(options)
        return "250 OK"

    async def handle_RCPT(self, _server: Any, _session: Any, envelope: Any, address: str,
                          _options: list[str]) -> str:
        if address == REFUSED:
            return "550 no such mailbox"
        if address == DEFERRED:
            return "452 mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.mail_options),
                              list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture
def server() -> Iterator[tuple[RawHandler, smtplib.SMTP]]:
    handler = RawHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=30)
    controller.start()
    smtp = smtplib.SMTP("127.0.0.1", controller.port, timeout=10)
    smtp.ehlo()
    try:
        yield handler, smtp
    finally:
        smtp.close()
        controller.stop()


def test_lines_starting_with_a_dot_arrive_as_written(server) -> None:
    handler, smtp = server
    data = b"Subject: dots\r\n\r\n.first line\r\n..two\r\nmiddle\r\n.\r\nlast"

    send_one(smtp, "avvik@example.org", "kari@example.org", data)

    sender, options, recipients, content = handler.received[0]
    assert (sender, recipients) == ("avvik@example.org", ["kari@example.org"])
    assert options == [f"SIZE={len(data)}"]  # as sendmail announces it
    assert content == data + b"\r\n"  # a missing final line end is added, as smtplib does


def test_a_refused_recipient_raises_as_sendmail_does_and_the_connection_goes_on(
        server) -> None:
    handler, smtp = server

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send_one(smtp, "avvik@example.org", REFUSED, b"Subject: x\r\n\r\nbody\r\n")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as deferred:
        send_one(smtp, "avvik@example.org", DEFERRED, b"Subject: x\r\n\r\nbody\r\n")
    send_one(smtp, "avvik@example.org", "kari@example.org", b"Subject: y\r\n\r\nbody\r\n")

    assert refused.value.recipients[REFUSED][0] == 550
    assert deferred.value.recipients[DEFERRED][0] == 452
    assert [recipients for _s, _o, recipients, _c in handler.received] == [
        ["kari@example.org"]]


def test_a_refused_sender_raises_as_sendmail_does(server) -> None:
    _handler, smtp = server  # and the connection is reset for the next e-mail

    with pytest.raises(smtplib.SMTPSenderRefused):
        send_one(smtp, BANNED, "kari@example.org", b"Subject: x\r\n\r\nb\r\n")
    send_one(smtp, "avvik@example.org", "kari@example.org", b"Subject: y\r\n\r\nb\r\n")

    assert [sender for sender, _o, _r, _c in server[0].received] == ["avvik@example.org"]
