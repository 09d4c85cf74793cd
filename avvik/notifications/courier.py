"""Handing rendered e-mails to the SMTP server on threads of the worker process's own.

Most of an SMTP conversation is waiting for the server's replies. While the courier
threads wait, the task's thread records the group sent before and claims, loads and
renders the next one (avvik/notifications/delivery.py). Each courier thread keeps its
SMTP connection open from one group, and one task, to the next (avvik/core/smtp.py);
there are AVVIK_SMTP_CONNECTIONS of them, each sending a share of every group.
"""

from __future__ import annotations

import os
import smtplib
import sys
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from avvik.core.mail import Outgoing
from avvik.core.smtp import smtp_session
from avvik.outbox.runner import Claimed

#: Two failures in a row (the second on a fresh connection): the server is away.
FAILURES_MEANING_DOWN = 2


@dataclass
class Mail:
    """One claimed ``mail.send`` row on its way, and what became of it."""

    row: Claimed
    user: Any  #: a row of (id, email, full_name, locale, is_active), or None
    facts: dict[str, Any] | None  #: the case's (delivery.case_facts), or None
    outgoing: Outgoing | None = None
    #: "sent", "refused" (for good), "nothing" (no one to send to), "retry" (the server
    #: is away or defers it), "broken" (it would not render), "untried"
    outcome: str = ""
    error: str = ""
    code: int = 0  #: the SMTP code of a refusal


#: What ``send_group`` returns when the task's time is up (the rest are left untried).
LATE = "late"


def send_group(mails: list[Mail], config: Mapping[str, Any], deadline: float) -> str:
    """Send each rendered mail that has no outcome yet and note its outcome.

    Returns "" to go on, ``LATE`` when the task's time is up (the rest are left
    untried), or the error when the server is away (the rest are retried with it).
    """
    session = smtp_session()
    failures, server_down = 0, ""
    for mail in mails:
        if mail.outcome or mail.outgoing is None:
            continue
        if server_down:
            mail.outcome, mail.error = "retry", server_down
            continue
        if time.monotonic() > deadline:
            mail.outcome = "untried"
            continue
        outgoing = mail.outgoing
        try:
            session.send(config, outgoing.sender, outgoing.to, outgoing.data)
        except smtplib.SMTPRecipientsRefused as refused:
            code = next(iter(refused.recipients.values()))[0]
            if code < 500:
                mail.outcome, mail.error = "retry", f"recipient deferred ({code})"
            else:
                mail.outcome, mail.code = "refused", code
        except (OSError, smtplib.SMTPException) as error:
            mail.outcome, mail.error = "retry", f"SMTP unavailable: {error}"
            failures += 1
            if failures >= FAILURES_MEANING_DOWN:
                server_down = mail.error
        else:
            mail.outcome, failures = "sent", 0
    if server_down:
        return server_down
    return LATE if any(mail.outcome == "untried" for mail in mails) else ""


class Flight:
    """A group on its way: its shares, each sent by a courier thread of its own."""

    def __init__(self, futures: list[Future[str]]) -> None:
        self.futures = futures

    def outcome(self) -> str:
        """Wait for every share; what ``send_group`` says of the group as a whole: a
        server that is away outweighs a task out of time, which outweighs "go on"."""
        said = [future.result() for future in self.futures]
        return next((s for s in said if s and s != LATE), LATE if LATE in said else "")

    def wait(self) -> None:
        """Let every share finish, whatever it raised (before the task leaves)."""
        wait(self.futures)


_executor: ThreadPoolExecutor | None = None
_executor_key: tuple[int, int] = (0, 0)  # (process, threads) the pool was made for

#: How long (s) a thread may hold the GIL while another waits for it. A courier waits
#: for the server four times per e-mail, and each reply then waits for the task's thread,
#: busy rendering and recording, to let go: CPython's default of 5 ms would leave the
#: connection idle most of the time. Set for the process when its couriers start.
SWITCH_INTERVAL = 0.0002


def dispatch(mails: list[Mail], config: Mapping[str, Any], deadline: float) -> Flight:
    """``send_group`` on the courier threads, one per AVVIK_SMTP_CONNECTIONS, each with a
    share of ``mails`` and a kept-open connection of its own; the mails are the couriers'
    until the flight is over.

    Most of an e-mail's time on one connection is four waits for the server's replies
    (MAIL, RCPT, DATA, the message): a second connection sends while the first waits.
    """
    global _executor, _executor_key
    threads = max(1, int(config.get("SMTP_CONNECTIONS", 1)))
    if _executor is None or _executor_key != (os.getpid(), threads):
        # A forked pool process inherits the object but not the threads behind it.
        if _executor is not None and _executor_key[0] == os.getpid():
            _executor.shutdown(wait=True)
        _executor = ThreadPoolExecutor(threads, "avvik-courier")
        _executor_key = (os.getpid(), threads)
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
    sendable = [mail for mail in mails if not mail.outcome and mail.outgoing is not None]
    shares = [sendable[i::threads] for i in range(threads)]
    return Flight([_executor.submit(send_group, share, config, deadline)
                   for share in shares if share])
