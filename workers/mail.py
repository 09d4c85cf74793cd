"""E-mail tasks."""

from __future__ import annotations

import smtplib

from celery import shared_task

from avvik.core.mail import build_message, send_message


@shared_task(name="mail.send_test", autoretry_for=(OSError, smtplib.SMTPException),
             retry_backoff=True, retry_backoff_max=60, max_retries=10)
def send_test(address: str, message_id: str, locale: str | None = None) -> None:
    """Send the "test message from Avvik" to ``address``, retrying while SMTP is down.

    ``message_id`` is chosen by whoever enqueues the task, so every retry sends the same
    Message-ID.
    """
    message = build_message(address, "test", {"to": address}, message_id, locale)
    send_message(message)
