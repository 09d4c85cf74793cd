"""workers.app, the worker's entry point: its tasks and beat schedule."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tasks.processes import clean_environment

INSPECT = """
import json
from workers.app import celery, flask_app
print(json.dumps({
    "tasks": sorted(name for name in celery.tasks if not name.startswith("celery.")),
    "heartbeat": celery.conf.beat_schedule["heartbeat"],
    "schedule_file": celery.conf.beat_schedule_filename,
    "is_flask_apps_celery": celery is flask_app.extensions["celery"],
}))
"""


@pytest.mark.slow
def test_worker_entry_registers_tasks_and_schedule(tmp_path: Path) -> None:
    env = clean_environment(AVVIK_ENV="development", AVVIK_INSTANCE_DIR=str(tmp_path))

    done = subprocess.run([sys.executable, "-c", INSPECT], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])

    assert {"core.heartbeat", "mail.send_test"} <= set(found["tasks"])
    assert found["heartbeat"] == {"task": "core.heartbeat", "schedule": 30.0}
    assert found["schedule_file"] == str(tmp_path / "celerybeat-schedule")
    assert found["is_flask_apps_celery"] is True


@pytest.mark.slow
@pytest.mark.parametrize("smtputf8", [False, True])
def test_a_sender_that_needs_smtputf8_stops_the_worker_at_start_unless_offered(
        tmp_path: Path, smtputf8: bool) -> None:
    from aiosmtpd.controller import Controller

    from tests.services import free_port
    from tests.tasks.processes import CollectingHandler

    server = Controller(CollectingHandler(), hostname="127.0.0.1", port=free_port(),
                        ready_timeout=30, enable_SMTPUTF8=smtputf8)
    server.start()
    try:
        env = clean_environment(AVVIK_ENV="development", AVVIK_INSTANCE_DIR=str(tmp_path),
                                AVVIK_SMTP_HOST="127.0.0.1", AVVIK_SMTP_PORT=str(server.port),
                                AVVIK_MAIL_FROM="Avvik <åse@bærum.kommune.no>")
        done = subprocess.run([sys.executable, "-c", "import workers.app"], env=env,
                              capture_output=True, text=True, timeout=60)
    finally:
        server.stop()

    if smtputf8:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 2
        assert done.stderr.strip().splitlines()[-1].startswith(
            "avvik worker: AVVIK_MAIL_FROM='Avvik <åse@bærum.kommune.no>' has a non-ASCII "
            "part before the @, which needs SMTPUTF8")
