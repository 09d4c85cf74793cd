"""Composing e-mail: plain text with an HTML alternative, built by the ``email`` package.

Templates live in ``templates/emails/<name>.txt`` and ``<name>.html``. The text template's
first line is ``Subject: ...``; the rest is the body. E-mails carry no health data
(domain.md §5): a case number, agreement, category, deadline and a link at most.

Values from the database (names of categories, organisations, units, people) reach the
templates; each is made one line before rendering, so that none can end the subject,
start a header or put a lone "." on a line of its own. The ``email`` package (policy
``SMTP``) folds and encodes the headers; smtplib (``avvik.core.smtp``) sends the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from typing import Any

from flask import current_app
from flask_babel import force_locale

from avvik.core.smtp import open_connection
from avvik.core.timeutil import utcnow

SUBJECT_PREFIX = "Subject:"


class AddressError(ValueError):
    """An e-mail address that cannot be written in a message."""


def build_message(to: str, template: str, context: Mapping[str, Any], message_id: str,
                  locale: str | None = None) -> EmailMessage:
    """Render ``templates/emails/<template>`` for ``to`` in ``locale`` (default bokmål).

    ``message_id`` (``<something@host>``) comes from the caller and must be the same on
    every retry of the same e-mail, so that a receiver can tell a repeat from a new one.
    Raises ``AddressError`` for an address that cannot be written.
    """
    config = current_app.config
    language = locale or config["BABEL_DEFAULT_LOCALE"]
    values = {"base_url": config["BASE_URL"], **one_line_values(context)}
    with force_locale(language):
        subject, text = _split_subject(_render(f"emails/{template}.txt", values), template)
        html = _render(f"emails/{template}.html", {**values, "subject": subject})

    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = sender_address(config["MAIL_FROM"])
    message["To"] = mail_address("", to)
    message["Date"] = format_datetime(utcnow().replace(microsecond=0))
    message["Message-ID"] = one_line(message_id)
    # Keeps out-of-office replies and auto-forwarding rules from answering a robot.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # add_alternative makes the HTML part a whole EmailMessage, which writes a
    # MIME-Version of its own; RFC 2045 wants it once, at the top.
    for part in message.iter_parts():
        del part["MIME-Version"]
    message["Content-Language"] = language  # after the content, which clears Content-*
    return message


def send_message(message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server of AVVIK_SMTP_* on a connection of its own (a
    single e-mail: the test message).

    Raises ``OSError`` or ``smtplib.SMTPException`` when the server does not take it.
    """
    with open_connection(current_app.config) as smtp:
        smtp.send_message(message)


def one_line(value: str) -> str:
    """``value`` with every run of blanks and line breaks (CR, LF, a lone CR, ...) made
    one space."""
    return " ".join(value.split())


def one_line_values(value: Any) -> Any:
    """``one_line`` on every string in ``value`` (through dicts, lists and tuples)."""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, Mapping):
        return {key: one_line_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(one_line_values(item) for item in value)
    return value


def mail_address(name: str, address: str) -> Address:
    """``address`` (with display ``name``) for a header: the domain in its IDNA form
    (``bærum.kommune.no`` -> ``xn--brum-voa.kommune.no``), which every server takes. A
    part before the @ that is not ASCII stays as it is: only a server that offers
    SMTPUTF8 takes it (``avvik.core.smtp`` checks)."""
    local, _at, domain = address.strip().rpartition("@")
    if not local or not domain or any(c.isspace() for c in address.strip()):
        raise AddressError(f"not an e-mail address: {address!r}")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise AddressError(f"the domain of {address!r} is not a valid name") from error
    try:
        return Address(display_name=one_line(name), username=local, domain=ascii_domain)
    except ValueError as error:  # a local part the email package cannot parse
        raise AddressError(f"not an e-mail address: {address!r}") from error


def sender_address(mail_from: str) -> Address:
    """AVVIK_MAIL_FROM (``Name <address>`` or an address) as a header's address."""
    name, address = parseaddr(mail_from)
    return mail_address(name, address or mail_from)


def needs_smtputf8(address: Address | EmailMessage) -> bool:
    """Whether the part before the @ of ``address`` (or of any address of a message) is
    not ASCII: then the server must offer SMTPUTF8."""
    if isinstance(address, EmailMessage):
        return any(needs_smtputf8(each) for name in ("From", "To")
                   for each in address[name].addresses)
    return not address.username.isascii()


def _render(name: str, context: Mapping[str, Any]) -> str:
    # The app's templates and filters, without the request's context processors: e-mails
    # are rendered in workers and must not depend on who happens to be signed in.
    return current_app.jinja_env.get_template(name).render(context)


def _split_subject(rendered: str, template: str) -> tuple[str, str]:
    first, _, body = rendered.lstrip("\n").partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise ValueError(f"templates/emails/{template}.txt must start with 'Subject: ...'")
    return one_line(first[len(SUBJECT_PREFIX):]), body.lstrip("\n")
