"""Connections to the SMTP server of AVVIK_SMTP_*: TLS and login as configured, and one
connection kept open per worker thread for the e-mails it sends one after another.

Opening a connection (TCP, greeting, EHLO, perhaps TLS and AUTH) costs more than sending
a short e-mail over it, and an escalation sweep queues thousands at once.
"""

from __future__ import annotations

import functools
import os
import select
import smtplib
import ssl
import threading
import time
from collections.abc import Mapping
from typing import Any


def open_connection(config: Mapping[str, Any]) -> smtplib.SMTP:
    """A connection to the configured server, with TLS and login done; the caller closes it.

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
    except BaseException:
        smtp.close()
        raise
    return smtp


#: ``smtplib.quoteaddr`` (an ``email.utils.parseaddr`` per call), remembered: a sweep
#: sends from the same address to the same few hundred people over and over.
_quoted = functools.lru_cache(maxsize=4096)(smtplib.quoteaddr)


def send_one(smtp: smtplib.SMTP, sender: str, to: str, data: bytes) -> None:
    """``smtp.sendmail(sender, [to], data)`` for ``data`` in wire format (CRLF line ends,
    as ``avvik.core.mail.render_email`` writes it): the same commands, replies and
    exceptions, without parsing both addresses anew and running a regular expression
    over the whole message for every e-mail. Call after EHLO."""
    options = f" size={len(data)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    smtp.putcmd("mail", f"FROM:{_quoted(sender)}{options}")
    code, reply = smtp.getreply()
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    smtp.putcmd("rcpt", f"TO:{_quoted(to)}")
    code, reply = smtp.getreply()
    if code not in (250, 251):
        _abandon(smtp, code)
        raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    # Dot-stuffing as smtplib does it (a "." at the start of any line doubled).
    stuffed = data.replace(b"\n.", b"\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    smtp.send(stuffed + b".\r\n")
    code, reply = smtp.getreply()
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    # What sendmail does after a refusal: 421 means the server is closing; otherwise
    # RSET, so that the connection is ready for the next e-mail.
    if code == 421:
        smtp.close()
    else:
        smtp._rset()


def _settings(config: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(config.get(name) for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_TIMEOUT",
                                               "SMTP_TLS", "SMTP_USERNAME", "SMTP_PASSWORD"))


#: A connection idle this long is replaced rather than trusted: a firewall may have
#: dropped it without a word, and the first e-mail on it would wait for the timeout.
IDLE_SECONDS = 60.0


class SmtpSession:
    """One connection, opened on first use and reused for as long as the server keeps it.

    Before each e-mail it checks, without a round trip, that the server has not closed the
    connection or announced that it will (an idle timeout, a restart); if so, or if it has
    been idle for ``IDLE_SECONDS``, it connects anew. A failure during an e-mail closes
    the connection: the next e-mail connects again, and the one that failed is the
    caller's to retry.
    """

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None
        self._settings: tuple[Any, ...] | None = None
        self._pid = os.getpid()
        self._used = 0.0

    def send(self, config: Mapping[str, Any], sender: str, to: str, data: bytes) -> None:
        """Send one e-mail; raises what ``smtplib.SMTP.sendmail`` raises, or ``OSError``."""
        smtp = self._ready(config)
        try:
            send_one(smtp, sender, to, data)
        except smtplib.SMTPRecipientsRefused:
            raise  # smtplib has reset the transaction: the connection is good for the next
        except BaseException:
            self.close()
            raise
        finally:
            self._used = time.monotonic()

    def close(self) -> None:
        """Say QUIT and close; quietly, as the server may be gone already."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        if self._pid != os.getpid():
            return  # inherited through fork: the socket is the parent's, leave it alone
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def _ready(self, config: Mapping[str, Any]) -> smtplib.SMTP:
        settings = _settings(config)
        if self._pid != os.getpid():  # a forked child never shares its parent's socket
            self._smtp, self._pid = None, os.getpid()
        idle = time.monotonic() - self._used > IDLE_SECONDS
        if self._smtp is not None and (settings != self._settings or idle
                                       or not self._alive()):
            self.close()
        if self._smtp is None:
            smtp = open_connection(config)
            try:
                smtp.ehlo_or_helo_if_needed()
            except BaseException:
                smtp.close()
                raise
            self._smtp, self._settings = smtp, settings
        return self._smtp

    def _alive(self) -> bool:
        # An idle SMTP client is sent nothing, so a socket with something to read means the
        # server closed it (EOF) or said "421 closing" - or, under TLS, sent a session
        # ticket. A NOOP tells which, and costs a round trip only then.
        smtp = self._smtp
        if smtp is None or smtp.sock is None:
            return False
        try:
            readable, _, _ = select.select([smtp.sock], [], [], 0)
            return not readable or smtp.noop()[0] == 250
        except (OSError, ValueError, smtplib.SMTPException):
            return False


_local = threading.local()
_sessions: list[SmtpSession] = []
_sessions_lock = threading.Lock()


def smtp_session() -> SmtpSession:
    """This thread's kept-open connection (in a worker, the courier thread's)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = SmtpSession()
        with _sessions_lock:
            _sessions.append(session)
    return session


def close_sessions() -> None:
    """Close every kept-open connection of this process (at worker shutdown)."""
    with _sessions_lock:
        sessions = list(_sessions)
    for session in sessions:
        session.close()
