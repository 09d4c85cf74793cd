"""The embedded default of `make run` (no server installed) routes and e-mails a filed case.

`avvik db upgrade`, `avvik demo-data`, `avvik serve` (gunicorn, a Celery worker and beat
on the embedded Valkey broker, the SMTP debugging server that saves .eml files): a reporter
files a case through the API with a token from `avvik create-token`, and the e-mail of
the routed case appears under instance/mail, with the case's timeline saying so.
"""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.request
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.reports.world import EVENT_DAY
from tests.services import free_port
from tests.tasks.processes import clean_environment, log_text, stop_process, wait_for
from tests.tasks.system import AVVIK, DESCRIPTION, message_text

pytestmark = pytest.mark.slow

REPORTER = "melder.kommune"
#: The demo community's rule for this category routes to Indremedisinsk avdeling.
CATEGORY, TRANSITION, AGREEMENT = "C-LEGEMIDDELLISTE", "C1", "5"


def avvik(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([AVVIK, *args], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"avvik {' '.join(args)}:\n{done.stderr}"
    return done.stdout


def api(base: str, token: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        f"{base}/api/v1{path}", method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def case_body(catalog: dict[str, Any]) -> dict[str, Any]:
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


def routed_mail(mail_dir: Path, report_id: int) -> list[EmailMessage]:
    messages = [message_from_bytes(path.read_bytes(), policy=policy.default)
                for path in sorted(mail_dir.glob("*.eml"))]
    return [m for m in messages if m["Message-ID"].startswith(f"<routed.{report_id}.")]


def test_make_run_system_routes_a_filed_case_and_mails_the_responsible_unit(
        tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    port = free_port()
    env = clean_environment(AVVIK_ENV="development", AVVIK_INSTANCE_DIR=str(instance),
                            AVVIK_PORT=str(port), AVVIK_SMTP_PORT=str(free_port()))
    avvik(env, "db", "upgrade")
    avvik(env, "demo-data", "--history-size", "0")
    token = avvik(env, "create-token", REPORTER).strip().splitlines()[-1]

    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        serve = subprocess.Popen([AVVIK, "serve"], env=env, stdout=log,
                                 stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "Avvik is running at" in log_text(log_path)
                 or serve.poll() is not None, 120, "avvik serve to start")
        assert serve.poll() is None, f"avvik serve exited:\n{log_text(log_path)}"
        base = f"http://127.0.0.1:{port}"

        case = api(base, token, "/reports", case_body(api(base, token, "/catalog")))
        assert case["status"] == "submitted"
        mail = wait_for(lambda: routed_mail(instance / "mail", case["id"]), 30,
                        f"the routed case's e-mail under instance/mail:\n{log_text(log_path)}")

        def timeline() -> dict[str, Any] | None:
            found = api(base, token, f"/reports/{case['id']}")
            kinds = [event["kind"] for event in found["timeline"]]
            return found if "routed" in kinds and "email_sent" in kinds else None

        routed = wait_for(timeline, 30, "routed and email_sent on the case's timeline")
        assert routed["status"] == "routed"
        assert routed["responsible_unit"]["name"] == "Indremedisinsk avdeling"
        assert routed["routing_basis"] == "rule"
        recipients = [m["To"] for m in mail]
        assert len(recipients) == len(set(recipients)), recipients
        for message in mail:
            assert case["case_number"] in message["Subject"]
            assert DESCRIPTION not in message_text(message)
            assert f"{base}/reports/{case['id']}" in message_text(message)

        serve.send_signal(signal.SIGINT)
        assert serve.wait(60) == 0, log_text(log_path)
    finally:
        stop_process(serve, signal.SIGINT, timeout=60)
