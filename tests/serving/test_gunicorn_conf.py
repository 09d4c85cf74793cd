"""The gunicorn settings of ``avvik serve`` and the Procfile (avvik/serving/gunicorn_conf.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_opens_no_control_socket_shared_with_other_servers(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
           "AVVIK_ENV": "development", "AVVIK_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("XDG_RUNTIME_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config",
         "-c", "python:avvik.serving.gunicorn_conf", "avvik.wsgi:app"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    settings = {name.strip(): value.strip() for name, _, value in
                (line.partition(" = ") for line in result.stdout.splitlines())}
    assert settings["control_socket_disable"] == "True"
