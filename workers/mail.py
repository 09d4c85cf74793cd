"""E-mail tasks."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task

from avvik.core.mail import build_message, send_message
from avvik.core.smtp import refusal


@shared_task(name="mail.send_test", bind=True, max_retries=10)
def send_test(self: Any, address: str, message_id: str, locale: str | None = None) -> None:
    """Send the "test message from Avvik" to ``address``, retrying with back-off while SMTP
    is down or defers it (4xx); a refusal for good (5xx) fails at once, in the log.

    ``message_id`` is chosen by whoever enqueues the task, so every retry sends the same
    Message-ID.
    """
    message = build_message(address, "test", {"to": address}, message_id, locale)
    try:
        send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        if refusal(error) or isinstance(error, smtplib.SMTPNotSupportedError):
            raise
        raise self.retry(exc=error, countdown=min(2 ** self.request.retries, 60)) from error
