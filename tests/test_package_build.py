"""A deploy from a fresh checkout serves the bokmål interface from the installed package.

The README's Procfile deploys with ``pip install .`` and gunicorn: nothing but the package
build runs, not ``make``. So this builds the wheel from the checkout's tracked files
(the compiled catalogues are not among them), installs it with its dependencies in a
new venv, and renders the sign-in page from a folder outside the checkout, where no file
of the repository can stand in for one the wheel lacks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

RENDER_SIGN_IN = """
import json
import avvik
from avvik.app import create_app

client = create_app().test_client()
page = client.get("/auth/login")  # no language asked for: the default, bokmål
style = client.get("/static/css/app.css")
print(json.dumps({"package": avvik.__file__, "status": page.status_code,
                  "html": page.get_data(as_text=True), "style": style.status_code}))
"""


def copy_checkout(target: Path) -> Path:
    """The files a clone would have: tracked ones, and new ones git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{argv[:4]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def outside_env(instance: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("AVVIK_") and key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(AVVIK_ENV="development", AVVIK_INSTANCE_DIR=str(instance))
    return env


def test_a_wheel_install_serves_the_sign_in_page_in_bokmal(tmp_path: Path):
    source = copy_checkout(tmp_path / "checkout")
    assert not list(source.glob("avvik/translations/*/LC_MESSAGES/*.mo")), (
        "the catalogues are compiled by the build, not kept in git")

    # What `pip install .` does: an isolated build with [build-system] requires.
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", ".",
         "--wheel-dir", str(tmp_path / "dist")], cwd=source)
    (wheel,) = (tmp_path / "dist").glob("avvik-*.whl")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)
    shutil.rmtree(source)  # nothing of the build may be found later by accident

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    output = run([str(python), "-c", RENDER_SIGN_IN], cwd=elsewhere,
                 env=outside_env(elsewhere / "instance"))
    rendered = json.loads(output.strip().splitlines()[-1])

    assert Path(rendered["package"]).is_relative_to(venv)
    assert rendered["status"] == 200
    assert '<html lang="nb">' in rendered["html"]
    assert "Logg inn" in rendered["html"]
    assert "Sign in" not in rendered["html"]
    assert rendered["style"] == 200
