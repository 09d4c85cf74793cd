"""Composing and sending e-mail: plain text with an HTML alternative, over SMTP.

Templates live in ``templates/emails/<name>.txt`` and ``<name>.html``. The text template's
first line is ``Subject: ...``; the rest is the body. E-mails carry no health data
(domain.md §5): a case number, agreement, category, deadline and a link at most.

A worker renders thousands of e-mails in a row (an escalation sweep), so ``render_email``
writes the wire format itself: always the same shape (multipart/alternative, two UTF-8
parts in quoted-printable, 7-bit clean for any server), for a tenth of what the
``email`` package's generator costs, which parses and folds every header it is given.
Connections to the server are in ``avvik.core.smtp``.
"""

from __future__ import annotations

import base64
import binascii
import random
from collections.abc import Callable, Mapping
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache
from typing import Any, NamedTuple

from babel.dates import format_datetime as babel_datetime
from flask import current_app
from flask_babel import force_locale, get_timezone, get_translations
from jinja2 import Environment, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from avvik.core.i18n import formatting_locale
from avvik.core.smtp import open_connection
from avvik.core.timeutil import utcnow

SUBJECT_PREFIX = "Subject:"
#: Bytes of UTF-8 per encoded word: 52 characters of base64, 64 with "=?utf-8?b?...?=".
ENCODED_WORD_BYTES = 39


class Outgoing(NamedTuple):
    """One rendered e-mail, ready for the SMTP conversation."""

    sender: str  #: the envelope sender (MAIL FROM), the address of AVVIK_MAIL_FROM
    to: str
    message_id: str
    data: bytes


def render_email(to: str, template: str, context: Mapping[str, Any], message_id: str,
                 locale: str | None = None) -> Outgoing:
    """Render ``templates/emails/<template>`` for ``to`` in ``locale`` (default bokmål).

    ``message_id`` (``<something@host>``) comes from the caller and must be the same on
    every retry of the same e-mail, so that a receiver can tell a repeat from a new one.
    """
    config = current_app.config
    language = locale or config["BABEL_DEFAULT_LOCALE"]
    values = {"base_url": config["BASE_URL"], **context}
    with force_locale(language):
        subject, text = _split_subject(
            _render(f"emails/{template}.txt", values, language), template)
        html = _render(f"emails/{template}.html", {**values, "subject": subject}, language)

    from_header, sender = _sender(config["MAIL_FROM"])
    address = _ascii_address(to)
    # "=_" never occurs in quoted-printable, so the boundary cannot; the random part only
    # tells messages apart (and costs no system call, unlike uuid4).
    boundary = f"=_avvik_{random.getrandbits(96):024x}"
    head = [
        _subject(subject),
        f"From: {from_header}",
        f"To: {address}",
        f"Date: {_date_header()}",
        f"Message-ID: {_one_line(message_id)}",
        # Keeps out-of-office replies and auto-forwarding rules from answering a robot.
        "Auto-Submitted: auto-generated",
        f"Content-Language: {language}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"',
        "",
    ]
    parts = [f"--{boundary}\r\nContent-Type: text/{subtype}; charset=\"utf-8\"\r\n"
             f"Content-Transfer-Encoding: quoted-printable\r\n\r\n".encode("ascii")
             + _quoted_printable(body) + b"\r\n"
             for body, subtype in ((text, "plain"), (html, "html"))]
    data = b"".join(["\r\n".join(head).encode("ascii"), b"\r\n", *parts,
                     f"--{boundary}--\r\n".encode("ascii")])
    return Outgoing(sender, address, message_id, data)


def build_message(to: str, template: str, context: Mapping[str, Any], message_id: str,
                  locale: str | None = None) -> EmailMessage:
    """``render_email`` as an ``EmailMessage``, for a single e-mail (``send_message``)."""
    outgoing = render_email(to, template, context, message_id, locale)
    return message_from_bytes(outgoing.data, _class=EmailMessage, policy=policy.default)


def send_message(message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server of AVVIK_SMTP_* on a connection of its own.

    Raises ``OSError`` or ``smtplib.SMTPException`` when the server cannot take it; the
    calling task retries with back-off.
    """
    with open_connection(current_app.config) as smtp:
        smtp.send_message(message)


def _render(name: str, context: Mapping[str, Any], language: str) -> str:
    # The bare Jinja environment: no request, no signed-in user, no context processors -
    # e-mails are rendered in workers, and must not depend on who happens to be logged in.
    return _environment(language).get_template(name).render(context)


def _environment(language: str) -> Environment:
    """The app's Jinja environment with ``_()`` bound to ``language``'s catalogue.

    Flask-Babel's ``_()`` finds the catalogue anew at each call (a dozen look-ups in the
    app context), and an e-mail calls it some fifty times. Call within ``force_locale``:
    dates still ask Flask-Babel.
    """
    environments = current_app.extensions.setdefault("avvik_mail_jinja", {})
    environment = environments.get(language)
    if environment is None:
        # A Jinja environment of its own (an overlay would share, and so rebind, the
        # app's ``_()``), loading the same templates with the same filters. Not the app's
        # globals (request, session, g, url_for ...): an e-mail must not depend on them,
        # and Jinja copies every global into each template's, include's and layout's
        # context - four per e-mail.
        base = current_app.jinja_env
        environment = Environment(loader=base.loader, autoescape=base.autoescape,
                                  auto_reload=base.auto_reload,
                                  extensions=["jinja2.ext.i18n"])
        environment.filters.update(base.filters)
        translations = get_translations()
        environment.install_gettext_translations(translations, newstyle=True)
        # The same as the i18n extension's newstyle ``_()``, in one call instead of three
        # (``_`` -> ``gettext`` -> the catalogue, each through Jinja's ``Context.call``):
        # a worker renders some fifteen of them per e-mail, thousands of e-mails a sweep.
        environment.globals["_"] = _gettext(translations.gettext)
        # This environment is this language's alone.
        environment.globals["current_locale"] = lambda: language
        environment.filters["oslo"] = _oslo_memo()
        environments[language] = environment
    return environment


def _gettext(translate: Callable[[str], str]) -> Callable[..., str]:
    @pass_eval_context
    def gettext(eval_context: EvalContext, string: str, **variables: Any) -> str:
        translated = translate(string)
        if eval_context.autoescape:
            translated = Markup(translated)
        # A format string even without variables, as Jinja's own newstyle ``_()`` has it.
        return translated % variables

    return gettext


#: Deadlines formatted per language environment before the memo starts afresh.
OSLO_MEMO_SIZE = 4096


def _oslo_memo() -> Callable[..., str]:
    """The ``oslo`` filter, remembering what it wrote: an e-mail shows its deadline in
    the text and the HTML (and a reminder in its subject too), and Babel's formatting
    costs more than the rest of a line. For one language environment, so one locale;
    the time zone is the app's."""
    memo: dict[tuple[datetime, str], str] = {}

    def oslo(moment: datetime | None, format: str = "short") -> str:
        if moment is None:
            return ""
        key = (moment, format)
        text = memo.get(key)
        if text is None:
            if len(memo) >= OSLO_MEMO_SIZE:
                memo.clear()
            text = memo[key] = babel_datetime(moment, format, tzinfo=get_timezone(),
                                              locale=formatting_locale())
        return text

    return oslo


_date_cache: tuple[int, str] = (0, "")


def _date_header() -> str:
    """The Date header of now; formatted once a second (it shows whole seconds)."""
    global _date_cache
    now = utcnow()
    second = int(now.timestamp())
    if _date_cache[0] != second:
        _date_cache = (second, format_datetime(now.replace(microsecond=0)))
    return _date_cache[1]


@lru_cache(maxsize=8)
def _sender(mail_from: str) -> tuple[str, str]:
    """(the From header, the envelope sender) of AVVIK_MAIL_FROM."""
    name, address = parseaddr(mail_from)
    return formataddr((name, address), charset="utf-8"), address


def _split_subject(rendered: str, template: str) -> tuple[str, str]:
    first, _, body = rendered.lstrip("\n").partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise ValueError(f"templates/emails/{template}.txt must start with 'Subject: ...'")
    return first[len(SUBJECT_PREFIX):].strip(), body.lstrip("\n")


def _subject(subject: str) -> str:
    line = f"Subject: {_one_line(subject)}"
    if line.isascii() and len(line) <= 78:
        return line
    # RFC 2047 encoded words for "Forfalt sak ... (eskaleringsnivå 1)", one per line, each
    # short enough for a 76-character line and cut between characters, never inside one:
    # a cut moves back over UTF-8 continuation bytes (0b10xxxxxx).
    encoded, words, start = subject.encode("utf-8"), [], 0
    while True:
        end = start + ENCODED_WORD_BYTES
        if end >= len(encoded):
            words.append(encoded[start:])
            break
        while encoded[end] & 0xC0 == 0x80:
            end -= 1
        words.append(encoded[start:end])
        start = end
    return "Subject: " + "\r\n ".join(
        f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words)


def _quoted_printable(body: str) -> bytes:
    # binascii's C encoder: email's own quoted-printable is Python, character by character.
    encoded = binascii.b2a_qp(body.replace("\r\n", "\n").encode("utf-8"), istext=True)
    return encoded.replace(b"\n", b"\r\n")


def _one_line(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"a header value must be one line: {value!r}")
    return value


def _ascii_address(address: str) -> str:
    """``address`` as ASCII: a Norwegian domain (``bærum.kommune.no``) in its IDNA form.

    A non-ASCII mailbox name would need SMTPUTF8, which not every relay offers; it fails
    here, visibly, and the outbox records why.
    """
    if address.isascii():
        return address
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise ValueError(f"cannot send to {address!r}: the part before @ is not ASCII")
    return f"{local}@{domain.encode('idna').decode('ascii')}"
