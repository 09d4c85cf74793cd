"""`avvik serve` outlives a worker killed with SIGKILL: the supervisor restarts it, the web
server answers throughout, /health shows the restart, and a case filed while the worker
was down is routed and e-mailed by the new one."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.tasks.embedded import api, case_body, get, routed_mail, served, serving
from tests.tasks.processes import wait_for

pytestmark = pytest.mark.slow


def test_a_killed_worker_is_restarted_while_the_web_answers_and_nothing_filed_is_lost(
        tmp_path: Path) -> None:
    with serving(tmp_path) as run:
        base, token = run.base, run.token()
        catalog = api(base, token, "/catalog")
        worker, beat = served(base, "worker"), served(base, "beat")

        os.kill(worker["pid"], signal.SIGKILL)
        case = api(base, token, "/reports", case_body(catalog))
        assert served(base, "worker")["pid"] == worker["pid"]  # no new worker yet

        pages: list[int] = []

        def restarted() -> dict[str, Any] | None:
            pages.append(get(f"{base}/auth/login")[0])
            now = served(base, "worker")
            return now if now["running"] and now["pid"] != worker["pid"] else None

        again = wait_for(restarted, 30, f"the worker to be restarted:\n{run.log()}")
        assert set(pages) == {200}
        assert (again["restarts"], again["last_exit"]) == (1, -signal.SIGKILL)
        assert served(base, "beat") == beat  # beat runs on its own: untouched
        assert ("avvik serve: the Celery worker exited with code -9 (SIGKILL); restart 1 in 1 s"
                in run.log())

        mail = wait_for(lambda: routed_mail(run.instance / "mail", case["id"]), 60,
                        f"the routed case's e-mail:\n{run.log()}")
        assert all(case["case_number"] in message["Subject"] for message in mail)

        run.stop()
        assert not (run.instance / "processes.json").exists()
