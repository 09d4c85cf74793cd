"""The local SMTP debugging server that ``make run`` starts (aiosmtpd).

Every message it receives is printed (From, To, Subject and the plain-text part) and saved
as an ``.eml`` file under ``instance/mail/``, so e-mail can be read without a mail server.
Run it alone with ``python -m avvik.serving.devmail [--port 8025] [--dir instance/mail]``.
"""

from __future__ import annotations

import argparse
import email
import itertools
import os
import signal
import sys
import threading
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TextIO

from aiosmtpd.controller import Controller

from config import env, instance_dir


class SavingHandler:
    """An aiosmtpd handler that prints each message and saves it as an .eml file."""

    def __init__(self, mail_dir: Path, out: TextIO = sys.stdout) -> None:
        self.mail_dir = mail_dir
        self.out = out
        self._numbers = itertools.count(1)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else content.encode("utf-8")
        message = email.message_from_bytes(raw, policy=policy.default)
        path = self.save(raw)
        self.print_summary(message, envelope.rcpt_tos, path)
        return "250 Message accepted for delivery"

    def save(self, raw: bytes) -> Path:
        """Write the message under a unique name; readers never see half a file."""
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.mail_dir / f"{stamp}-{os.getpid()}-{next(self._numbers)}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(raw)
        partial.replace(path)
        return path

    def print_summary(self, message: EmailMessage, recipients: list[str], path: Path) -> None:
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else "(no plain-text part)"
        rule = "-" * 72
        self.out.write(
            f"{rule}\nFrom:    {message['From']}\nTo:      {', '.join(recipients)}\n"
            f"Subject: {message['Subject']}\nSaved:   {path}\n\n{text.rstrip()}\n{rule}\n"
        )
        self.out.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print and save e-mail sent to this server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(env("SMTP_PORT", "8025") or 8025))
    parser.add_argument("--dir", type=Path, default=instance_dir() / "mail")
    args = parser.parse_args(argv)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller = Controller(SavingHandler(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"Mail debugging server on {args.host}:{args.port}, saving to {args.dir}", flush=True)
    try:
        stop.wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
