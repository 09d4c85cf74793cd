"""A deploy from a fresh checkout serves the bokmål interface from the installed package.

The README's Procfile deploys with ``pip install .`` and gunicorn: nothing but the package
build runs, not ``make``. So this builds the wheel from the checkout's tracked files
(neither the compiled catalogues nor the static build are among them), installs it in a
new venv, and renders the sign-in page and serves its style sheet from a folder outside
the checkout, where no file of the repository can stand in for one the wheel lacks.

The dependencies are not downloaded again: the new venv sees this venv's packages, which
came from the lock file, through a folder of links that leaves Avvik itself out, and
``pip check`` proves that they meet every requirement the wheel declares.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

RENDER_SIGN_IN = """
import json
import avvik
from avvik.app import create_app

app = create_app()
client = app.test_client()
page = client.get("/auth/login")  # no language asked for: the default, bokmål
style = client.get("/static/" + app.extensions["static_manifest"]["css/app.css"],
                   headers={"Accept-Encoding": "br"})
print(json.dumps({"package": avvik.__file__, "status": page.status_code,
                  "html": page.get_data(as_text=True), "style": style.status_code,
                  "style_headers": dict(style.headers)}))
"""

#: What this venv holds of Avvik itself (an editable install's hooks, or the package).
OWN_ENTRIES = ("avvik", "workers", "config.py", "__pycache__")
OWN_PREFIXES = ("avvik-", "__editable__")


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


def packages_without_avvik(target: Path) -> Path:
    """Links to this venv's installed packages, all but Avvik's own files."""
    target.mkdir()
    folders = {Path(sysconfig.get_paths()[key]) for key in ("purelib", "platlib")}
    for folder in folders:
        for entry in folder.iterdir():
            if entry.name in OWN_ENTRIES or entry.name.startswith(OWN_PREFIXES):
                continue
            if not (target / entry.name).exists():
                (target / entry.name).symlink_to(entry)
    return target


def outside_env(instance: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("AVVIK_") and key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(AVVIK_ENV="development", AVVIK_INSTANCE_DIR=str(instance))
    return env


def test_a_wheel_install_serves_the_sign_in_page_in_bokmal(tmp_path: Path):
    source = copy_checkout(tmp_path / "checkout")
    assert not list(source.glob("avvik/translations/*/LC_MESSAGES/*.mo")), (
        "the catalogues are compiled by the build, not kept in git")
    assert not (source / "avvik" / "static-build").exists(), "made by the build, not in git"

    # What `pip install .` does: an isolated build with [build-system] requires.
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", ".",
         "--wheel-dir", str(tmp_path / "dist")], cwd=source)
    (wheel,) = (tmp_path / "dist").glob("avvik-*.whl")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = outside_env(elsewhere / "instance")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    site_packages = Path(run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"], tmp_path, env).strip())
    shared = packages_without_avvik(tmp_path / "shared-packages")
    (site_packages / "test-dependencies.pth").write_text(f"{shared}\n")
    run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        tmp_path, env)
    assert "No broken requirements found" in run([str(python), "-m", "pip", "check"],
                                                  tmp_path, env)
    shutil.rmtree(source)  # nothing of the build may be found later by accident

    assert run([str(venv / "bin" / "avvik"), "--version"], cwd=elsewhere, env=env) == (
        "avvik, version 0.1.0\n")
    static_builds = site_packages / "avvik" / "static-build"
    shipped = sorted(static_builds.iterdir())
    output = run([str(python), "-c", RENDER_SIGN_IN], cwd=elsewhere, env=env)
    rendered = json.loads(output.strip().splitlines()[-1])

    assert Path(rendered["package"]).is_relative_to(venv)
    assert rendered["status"] == 200
    assert '<html lang="nb">' in rendered["html"]
    assert "Logg inn" in rendered["html"]
    assert "Sign in" not in rendered["html"]
    assert rendered["style"] == 200
    assert rendered["style_headers"]["Content-Encoding"] == "br"
    assert "immutable" in rendered["style_headers"]["Cache-Control"]
    # The wheel brought the static build: the app used it and wrote none of its own.
    assert len(shipped) == 1
    assert sorted(static_builds.iterdir()) == shipped
    assert not (elsewhere / "instance" / "static-build").exists()
