"""`avvik serve` outlives a worker killed with SIGKILL: the supervisor restarts it, the web
server answers throughout, /health shows the restart, and a case filed while the worker
was down is routed and e-mailed by the new one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.services import free_port
from tests.tasks.processes import clean_environment, log_text, stop_process, wait_for
from tests.tasks.system import AVVIK
from tests.tasks.test_embedded_flow import REPORTER, api, avvik, case_body, routed_mail

pytestmark = pytest.mark.slow


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


def test_a_killed_worker_is_restarted_while_the_web_answers_and_nothing_filed_is_lost(
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

        again = wait_for(restarted, 30, f"the worker to be restarted:\n{log_text(log_path)}")
        assert set(pages) == {200}
        assert (again["restarts"], again["last_exit"]) == (1, -signal.SIGKILL)
        assert served(base, "beat") == beat  # beat runs on its own: untouched
        assert ("avvik serve: the Celery worker exited with code -9 (SIGKILL); restart 1 in 1 s"
                in log_text(log_path))

        mail = wait_for(lambda: routed_mail(instance / "mail", case["id"]), 60,
                        f"the routed case's e-mail:\n{log_text(log_path)}")
        assert all(case["case_number"] in message["Subject"] for message in mail)

        serve.send_signal(signal.SIGINT)
        assert serve.wait(60) == 0, log_text(log_path)
        assert not (instance / "processes.json").exists()
    finally:
        stop_process(serve, signal.SIGINT, timeout=60)
