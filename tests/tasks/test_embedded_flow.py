"""The embedded default of `make run` (no server installed) routes and e-mails a filed case.

`avvik db upgrade`, `avvik demo-data`, `avvik serve` (gunicorn, a Celery worker and beat
on the embedded Valkey broker, the SMTP debugging server that saves .eml files): a reporter
files a case through the API with a token from `avvik create-token`, and the e-mail of
the routed case appears under instance/mail, with the case's timeline saying so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.tasks.embedded import api, case_body, get, routed_mail, serving
from tests.tasks.processes import wait_for
from tests.tasks.system import DESCRIPTION, message_text

pytestmark = pytest.mark.slow


def test_make_run_system_routes_a_filed_case_and_mails_the_responsible_unit(
        tmp_path: Path) -> None:
    with serving(tmp_path) as run:
        base, token = run.base, run.token()
        case = api(base, token, "/reports", case_body(api(base, token, "/catalog")))
        assert case["status"] == "submitted"
        mail = wait_for(lambda: routed_mail(run.instance / "mail", case["id"]), 30,
                        f"the routed case's e-mail under instance/mail:\n{run.log()}")

        def timeline() -> dict[str, Any] | None:
            found = api(base, token, f"/reports/{case['id']}")
            kinds = [event["kind"] for event in found["timeline"]]
            return found if "routed" in kinds and "email_sent" in kinds else None

        routed = wait_for(timeline, 30, "routed and email_sent on the case's timeline")
        # Beat's first heartbeat goes when it starts, not one interval later.
        wait_for(lambda: get(f"{base}/health")[0] == 200, 10,
                 f"a healthy /health:\n{get(f'{base}/health')[1]!r}")
        assert routed["status"] == "routed"
        assert routed["responsible_unit"]["name"] == "Indremedisinsk avdeling"
        assert routed["routing_basis"] == "rule"
        recipients = [m["To"] for m in mail]
        assert len(recipients) == len(set(recipients)), recipients
        for message in mail:
            assert case["case_number"] in message["Subject"]
            assert DESCRIPTION not in message_text(message)
            assert f"{base}/reports/{case['id']}" in message_text(message)

        run.stop()
