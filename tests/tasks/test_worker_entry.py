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
