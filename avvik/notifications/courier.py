"""Handing rendered e-mails to the SMTP server on a thread of the worker process's own.

Most of an SMTP conversation is waiting for the server's replies. While the courier
thread waits, the task's thread records the group sent before and claims, loads and
renders the next one (avvik/notifications/delivery.py). The courier thread keeps its SMTP
connection open from one group, and one task, to the next (avvik/core/smtp.py).
"""

from __future__ import annotations

import os
import smtplib
import sys
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
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
    #: "sent", "refused" (for good), "nothing" (no one to send to), "retry", "untried"
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


_executor: ThreadPoolExecutor | None = None
_executor_pid = 0

#: How long (s) a thread may hold the GIL while another waits for it. The courier waits
#: for the server four times per e-mail, and each reply then waits for the task's thread,
#: busy rendering and recording, to let go: CPython's default of 5 ms would leave the
#: connection idle most of the time. Set for the process when its courier starts.
SWITCH_INTERVAL = 0.0002


def dispatch(mails: list[Mail], config: Mapping[str, Any], deadline: float) -> Future[str]:
    """``send_group`` on the courier thread; the mails are the courier's until it is done."""
    global _executor, _executor_pid
    if _executor is None or _executor_pid != os.getpid():
        # A forked pool process inherits the object but not the thread behind it.
        _executor, _executor_pid = ThreadPoolExecutor(1, "avvik-courier"), os.getpid()
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
    return _executor.submit(send_group, mails, config, deadline)
