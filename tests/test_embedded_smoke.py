"""The embedded system end to end, started the way `make run` starts it.

`avvik db upgrade`, `avvik demo-data`, then `avvik serve` (the embedded Valkey broker,
gunicorn, a Celery worker, beat, the SMTP debugging server): sign in over HTTP, send a
test e-mail through the real worker, and stop everything with Ctrl-C (SIGINT).
"""

from __future__ import annotations

import http.cookiejar
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from avvik.core.procfs import descendants
from tests.services import free_port
from tests.tasks.processes import (
    alive,
    clean_environment,
    log_text,
    stop_process,
    wait_for,
)

pytestmark = pytest.mark.slow

AVVIK = str(Path(sys.executable).parent / "avvik")
DEMO_USER, DEMO_PASSWORD = "leder.kommune", "avvik-demo-2026"
CSRF_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')


def test_make_run_system_signs_in_sends_mail_and_stops_every_process(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    port = free_port()
    env = clean_environment(AVVIK_ENV="development", AVVIK_INSTANCE_DIR=str(instance),
                            AVVIK_PORT=str(port), AVVIK_SMTP_PORT=str(free_port()))
    for command in (["db", "upgrade"], ["demo-data", "--history-size", "40"]):
        done = subprocess.run([AVVIK, *command], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, f"avvik {' '.join(command)}:\n{done.stderr}"

    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        serve = subprocess.Popen([AVVIK, "serve"], env=env, stdout=log,
                                 stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "Avvik is running at" in log_text(log_path) or serve.poll() is not None,
                 120, "avvik serve to start")
        assert serve.poll() is None, f"avvik serve exited:\n{log_text(log_path)}"
        base = f"http://127.0.0.1:{port}"

        final_url, page = sign_in(base, DEMO_USER, DEMO_PASSWORD)
        assert urllib.parse.urlsplit(final_url).path == "/", page[:2000]
        assert "Velkommen" in page or "Welcome" in page

        sent = subprocess.run([AVVIK, "send-test-mail", "ola.nordmann@example.org"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert sent.returncode == 0, sent.stderr
        message_id = re.search(r"<test\.[0-9a-f]+@avvik>", sent.stdout).group(0)
        saved = wait_for(lambda: sorted((instance / "mail").glob("*.eml")), 90,
                         f"an .eml under instance/mail:\n{log_text(log_path)}")
        message = message_from_bytes(saved[0].read_bytes(), policy=policy.default)
        assert message["Message-ID"] == message_id
        assert message["To"] == "ola.nordmann@example.org"

        family = descendants(serve.pid)
        assert len(family) >= 3, family  # web server, worker, mail server at least
        serve.send_signal(signal.SIGINT)
        assert serve.wait(60) == 0, log_text(log_path)
        wait_for(lambda: not [pid for pid in family if alive(pid)], 10,
                 f"every process of avvik serve to end: {family}")
    finally:
        stop_process(serve, signal.SIGINT, timeout=60)


def sign_in(base: str, username: str, password: str) -> tuple[str, str]:
    """Sign in like a browser: the form's CSRF token and the session cookie."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/auth/login", timeout=30) as response:
        form = response.read().decode()
    field = CSRF_TOKEN.search(form)
    assert field, f"no CSRF token on the login page:\n{form[:2000]}"
    data = urllib.parse.urlencode({"csrf_token": VALUE.search(field.group(0)).group(1),
                                   "username": username, "password": password}).encode()
    with opener.open(f"{base}/auth/login", data=data, timeout=30) as response:
        return response.geturl(), response.read().decode()
