"""Composing and sending e-mail: plain text with an HTML alternative, over SMTP.

Templates live in ``templates/emails/<name>.txt`` and ``<name>.html``. The text template's
first line is ``Subject: ...``; the rest is the body. E-mails carry no health data
(domain.md §5): a case number, agreement, category, deadline and a link at most.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale

from avvik.core.timeutil import utcnow

SUBJECT_PREFIX = "Subject:"


def build_message(to: str, template: str, context: Mapping[str, Any], message_id: str,
                  locale: str | None = None) -> EmailMessage:
    """Render ``templates/emails/<template>`` for ``to`` in ``locale`` (default bokmål).

    ``message_id`` (``<something@host>``) comes from the caller and must be the same on
    every retry of the same e-mail, so that a receiver can tell a repeat from a new one.
    """
    config = current_app.config
    values = {"base_url": config["BASE_URL"], **context}
    with force_locale(locale or config["BABEL_DEFAULT_LOCALE"]):
        subject, text = _split_subject(_render(f"emails/{template}.txt", values), template)
        html = _render(f"emails/{template}.html", {**values, "subject": subject})

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id
    # Keeps out-of-office replies and auto-forwarding rules from answering a robot.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After set_content, which drops every Content-* header set before it.
    message["Content-Language"] = locale or config["BABEL_DEFAULT_LOCALE"]
    return message


def send_message(message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server in AVVIK_SMTP_HOST / AVVIK_SMTP_PORT.

    Raises ``OSError`` or ``smtplib.SMTPException`` when the server cannot take it; the
    calling task retries with back-off.
    """
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"],
                      timeout=config["SMTP_TIMEOUT"]) as smtp:
        smtp.send_message(message)


def _render(name: str, context: Mapping[str, Any]) -> str:
    # The bare Jinja environment: no request, no signed-in user, no context processors -
    # e-mails are rendered in workers, and must not depend on who happens to be logged in.
    return current_app.jinja_env.get_template(name).render(context)


def _split_subject(rendered: str, template: str) -> tuple[str, str]:
    first, _, body = rendered.lstrip("\n").partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise ValueError(f"templates/emails/{template}.txt must start with 'Subject: ...'")
    return first[len(SUBJECT_PREFIX):].strip(), body.lstrip("\n")
