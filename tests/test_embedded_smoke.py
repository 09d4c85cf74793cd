"""The embedded system end to end, started the way `make run` starts it.

`avvik db upgrade`, `avvik demo-data`, then `avvik serve` (the embedded Valkey broker,
gunicorn, a Celery worker, beat, the SMTP debugging server): sign in over HTTP, send a
test e-mail through the real worker, and stop everything with Ctrl-C (SIGINT).
"""

from __future__ import annotations

import re
import subprocess
import urllib.parse
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from avvik.core.procfs import descendants
from tests.tasks.embedded import DEMO_USER, Browser, serving
from tests.tasks.processes import alive, wait_for
from tests.tasks.system import AVVIK

pytestmark = pytest.mark.slow


def test_make_run_system_signs_in_sends_mail_and_stops_every_process(tmp_path: Path) -> None:
    with serving(tmp_path, history_size=40) as run:
        final_url, page = Browser(run.base).sign_in(DEMO_USER)
        assert urllib.parse.urlsplit(final_url).path == "/", page[:2000]
        assert "Velkommen" in page or "Welcome" in page

        sent = subprocess.run([AVVIK, "send-test-mail", "ola.nordmann@example.org"],
                              env=run.env, capture_output=True, text=True, timeout=120)
        assert sent.returncode == 0, sent.stderr
        message_id = re.search(r"<test\.[0-9a-f]+@avvik>", sent.stdout).group(0)
        # The demo history's own notices may land in the same folder, before or after ours.
        message = wait_for(lambda: _saved_message(run.instance / "mail", message_id), 90,
                           f"{message_id} under instance/mail:\n{run.log()}")
        assert message["To"] == "ola.nordmann@example.org"

        family = descendants(run.process.pid)
        assert len(family) >= 3, family  # web server, worker, mail server at least
        run.stop()
        wait_for(lambda: not [pid for pid in family if alive(pid)], 10,
                 f"every process of avvik serve to end: {family}")


def _saved_message(folder: Path, message_id: str) -> EmailMessage | None:
    for path in sorted(folder.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["Message-ID"] == message_id:
            return message
    return None
