"""The SMTP server of AVVIK_SMTP_*: TLS and login as configured, one connection kept open
per process for the e-mails it sends one after another, and what a refusal means.

A worker process sends one e-mail per task; opening a connection (TCP, EHLO, perhaps TLS
and AUTH) for each would cost more than the e-mail. More e-mails at once come from more
worker processes (Celery's ``--concurrency``), each with its own connection.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)


class SmtpConfigurationError(RuntimeError):
    """The configured server cannot send what AVVIK_MAIL_FROM needs."""


def open_connection(config: Mapping[str, Any]) -> smtplib.SMTP:
    """A connection to the configured server, with EHLO, TLS and login done; the caller
    closes it.

    ``AVVIK_SMTP_TLS=starttls`` or ``ssl`` verifies the server's certificate against the
    system's trust store (``SSL_CERT_FILE`` points elsewhere); a server that offers no
    STARTTLS fails here rather than letting the password go in clear.
    """
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    mode = config.get("SMTP_TLS", "off")
    smtp: smtplib.SMTP
    if mode == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if mode == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        smtp.ehlo_or_helo_if_needed()
    except BaseException:
        smtp.close()
        raise
    return smtp


#: This process's connection: (process id, the settings it was opened with, connection).
_kept: tuple[int, tuple[Any, ...], smtplib.SMTP] | None = None


def _settings(config: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(config.get(name) for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_TIMEOUT",
                                               "SMTP_TLS", "SMTP_USERNAME", "SMTP_PASSWORD"))


def send(config: Mapping[str, Any], message: EmailMessage) -> None:
    """Send ``message`` (to its To, from its From) over this process's connection.

    A kept connection the server has closed meanwhile (a restart, an idle timeout) is
    replaced and the e-mail sent once more on the new one: the server had taken nothing
    on it. Raises what ``smtplib.SMTP.send_message`` raises, or ``OSError``.
    """
    global _kept
    settings = _settings(config)
    for attempt in ("kept", "fresh"):
        reused = _kept is not None and _kept[0] == os.getpid() and _kept[1] == settings
        if not reused:
            close()
            _kept = (os.getpid(), settings, open_connection(config))
        smtp = _kept[2]
        try:
            smtp.send_message(message)
            return
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
            # A refusal: smtplib has reset the transaction, or closed the connection
            # after a 421, which the next e-mail notices.
            if smtp.sock is None:
                _kept = None
            raise
        except smtplib.SMTPServerDisconnected:
            _kept = None
            if not reused or attempt == "fresh":
                raise
        except BaseException:
            close()
            raise


def close() -> None:
    """Say QUIT on this process's connection and forget it; quietly, as the server may
    be gone already. A connection inherited through fork belongs to the parent: only
    forgotten. Called when a worker process shuts down."""
    global _kept
    kept, _kept = _kept, None
    if kept is None or kept[0] != os.getpid():
        return
    try:
        kept[2].quit()
    except (OSError, smtplib.SMTPException):
        kept[2].close()


def refusal(error: BaseException) -> int | None:
    """The SMTP code when ``error`` is a permanent refusal of the e-mail (a 5xx reply to
    its sender, recipient or message: it will not pass by itself), else None. A 4xx, a
    lost connection, a timeout pass, and are retried; so is a 5xx to the greeting, the
    login or STARTTLS, which is the configuration's or the server's, not the e-mail's."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
        return max(codes) if codes and all(code >= 500 for code in codes) else None
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError) \
            and error.smtp_code >= 500:
        return error.smtp_code
    return None


def check_smtputf8(config: Mapping[str, Any], sender_needs_it: bool) -> None:
    """At start: a sender address whose part before the @ is not ASCII needs a server
    that offers SMTPUTF8; raise ``SmtpConfigurationError`` when the server says it does
    not. A server that does not answer now is left for the e-mails to find."""
    if not sender_needs_it:
        return
    try:
        smtp = open_connection(config)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("mail: could not ask the SMTP server for SMTPUTF8: %s", error)
        return
    try:
        offered = smtp.has_extn("smtputf8")
    finally:
        smtp.close()
    if not offered:
        raise SmtpConfigurationError(
            f"AVVIK_MAIL_FROM={config['MAIL_FROM']!r} has a non-ASCII part before the @, "
            f"which needs SMTPUTF8, and the SMTP server {config['SMTP_HOST']}:"
            f"{config['SMTP_PORT']} does not offer it: use an ASCII address or a server "
            "that offers SMTPUTF8")
