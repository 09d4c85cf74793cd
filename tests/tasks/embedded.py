"""Helpers for the tests that run `avvik serve` as `make run` does, on an instance of their own.

`serving` migrates a fresh instance folder, loads the demo data and starts `avvik serve`
on unusual ports; the helpers then sign in like a browser, file cases over the API with a
token from `avvik create-token`, and read /health and the routing e-mails.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import re
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from tests.reports.world import EVENT_DAY
from tests.services import free_port
from tests.tasks.processes import clean_environment, log_text, stop_process, wait_for
from tests.tasks.system import AVVIK, DESCRIPTION

REPORTER = "melder.kommune"
DEMO_USER, DEMO_PASSWORD = "leder.kommune", "avvik-demo-2026"
#: The demo community's rule for this category routes to Indremedisinsk avdeling.
CATEGORY, TRANSITION, AGREEMENT = "C-LEGEMIDDELLISTE", "C1", "5"
#: The Message-ID of a case's routing e-mail (avvik/notifications/services.py).
ROUTING_MESSAGE_ID = re.compile(r"<routed\.(\d+)\.")
FORM = re.compile(r"<form\b.*?</form>", re.DOTALL)
HIDDEN_INPUT = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME, VALUE = re.compile(r'name="([^"]+)"'), re.compile(r'value="([^"]*)"')


def avvik(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([AVVIK, *args], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"avvik {' '.join(args)}:\n{done.stderr}"
    return done.stdout


@dataclass
class Serve:
    """A running `avvik serve`: its process, console log, web address and instance."""

    process: subprocess.Popen[bytes]
    log_path: Path
    base: str
    instance: Path
    env: dict[str, str]

    def log(self) -> str:
        return log_text(self.log_path)

    def token(self, username: str = REPORTER) -> str:
        return avvik(self.env, "create-token", username).strip().splitlines()[-1]

    def stop(self) -> None:
        """Ctrl-C, as a person stops `make run`; it must end cleanly."""
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(60) == 0, self.log()


@contextmanager
def serving(tmp_path: Path, history_size: int = 0, **settings: str) -> Iterator[Serve]:
    """`avvik db upgrade`, `avvik demo-data`, then `avvik serve` until it has started.

    ``settings`` are more environment variables (AVVIK_SMTP_HOST for a real SMTP server).
    """
    instance = tmp_path / "instance"
    port = free_port()
    env = clean_environment(**{"AVVIK_ENV": "development", "AVVIK_INSTANCE_DIR": str(instance),
                               "AVVIK_PORT": str(port), "AVVIK_SMTP_PORT": str(free_port()),
                               **settings})
    avvik(env, "db", "upgrade")
    avvik(env, "demo-data", "--history-size", str(history_size))
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([AVVIK, "serve"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "Avvik is running at" in log_text(log_path)
                 or process.poll() is not None, 120, "avvik serve to start")
        assert process.poll() is None, f"avvik serve exited:\n{log_text(log_path)}"
        yield Serve(process, log_path, f"http://127.0.0.1:{port}", instance, env)
    finally:
        stop_process(process, signal.SIGINT, timeout=60)


def api(base: str, token: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        f"{base}/api/v1{path}", method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def case_body(catalog: dict[str, Any]) -> dict[str, Any]:
    """A case that the demo's rule routes, with the ids of ``catalog`` (GET /catalog)."""
    def pick(rows: list[dict[str, Any]], key: str, value: str) -> int:
        return next(row["id"] for row in rows if row[key] == value)

    hospital = next(o for o in catalog["organizations"] if o["kind"] == "helseforetak")
    return {
        "receiving_organization_id": hospital["id"],
        "agreement_id": pick(catalog["agreements"], "number", AGREEMENT),
        "transition_id": pick(catalog["transitions"], "code", TRANSITION),
        "category_id": pick(catalog["categories"], "code", CATEGORY),
        "event_date": EVENT_DAY.isoformat(),  # the system runs on the real clock
        "discovered_date": (EVENT_DAY + timedelta(days=1)).isoformat(),
        "description": DESCRIPTION, "consequence": "minor",
        "potential_consequence": "moderate",
    }


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:  # /health says 503 while a process is down
        return error.code, error.read()


def served(base: str, name: str) -> dict[str, Any]:
    """The process ``name`` as /health shows it."""
    _status, body = get(f"{base}/health")
    return next(p for p in json.loads(body)["processes"] if p["name"] == name)


def routed_mail(mail_dir: Path, report_id: int) -> list[EmailMessage]:
    """The routing e-mails of a case that the mail debugging server saved."""
    messages = [message_from_bytes(path.read_bytes(), policy=policy.default)
                for path in sorted(mail_dir.glob("*.eml"))]
    return [m for m in messages if routing_case(m) == report_id]


def routing_case(message: EmailMessage) -> int | None:
    """The case whose routing e-mail this is, or None for another e-mail."""
    found = ROUTING_MESSAGE_ID.match(message["Message-ID"])
    return int(found.group(1)) if found else None


class Browser:
    """A person's browser over HTTP: a cookie jar, and each form's hidden inputs sent back."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path: str, fields: dict[str, Any] | None = None) -> tuple[str, str]:
        """GET ``path``, or POST ``fields`` to it; (the URL after redirects, the page).
        An error status raises urllib's HTTPError."""
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        with self.opener.open(f"{self.base}{path}", data=data, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def submit(self, path: str, fields: dict[str, Any]) -> tuple[str, str]:
        """Load the page at ``path`` and post ``fields`` with the hidden inputs (the CSRF
        token and the like) of its form that has most of them, as a browser would."""
        _url, page = self.open(path)
        form = max(FORM.findall(page), default="",
                   key=lambda form: sum(f'name="{name}"' in form for name in fields))
        hidden = hidden_inputs(form)
        assert "csrf_token" in hidden, f"no form with a CSRF token on {path}:\n{page[:2000]}"
        return self.open(path, {**hidden, **fields})

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> tuple[str, str]:
        return self.submit("/auth/login", {"username": username, "password": password})


def hidden_inputs(form: str) -> dict[str, str]:
    """The names and values of the hidden inputs of a form's HTML."""
    found: dict[str, str] = {}
    for tag in HIDDEN_INPUT.findall(form):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            found[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return found
