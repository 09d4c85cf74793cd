"""The lock files hold every direct dependency at the version pyproject.toml pins, with
hashes: a pin changed without `make lock` (or a dependency added by a merge) fails here,
not later as an install that takes something else than the tests ran with."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = PROJECT["dependencies"]
DEV = PROJECT["optional-dependencies"]["dev"]
#: ``name==version`` at the start of a requirement line of a lock, and its hashes.
PINNED = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)(?: ;[^\\]*)? \\\n"
                    r"((?:    --hash=sha256:\w+ ?\\?\n)+)", re.MULTILINE)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    """{name: version} of pyproject.toml's ``name[extra]==version`` requirements."""
    out = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9._-]+)(?:\[[^\]]+\])?==(\S+)", requirement)
        assert match, f"not pinned to one version: {requirement}"
        out[normal(match.group(1))] = match.group(2)
    return out


def locked(lock: str) -> dict[str, set[str]]:
    """{name: versions} of a lock file; each pin must carry hashes."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    out: dict[str, set[str]] = {}
    for name, version, _hashes in PINNED.findall(text):
        out.setdefault(normal(name), set()).add(version)
    requirement_lines = re.findall(r"^[A-Za-z0-9]", text, flags=re.MULTILINE)
    assert len(requirement_lines) == sum(map(len, out.values())), "a pin without hashes"
    return out


@pytest.mark.parametrize(("lock", "requirements"), [
    ("requirements.lock", RUNTIME), ("requirements-dev.lock", RUNTIME + DEV)])
def test_every_direct_dependency_is_locked_at_its_pin(lock, requirements):
    versions = locked(lock)
    missing = {name: version for name, version in pins(requirements).items()
               if version not in versions.get(name, set())}
    assert missing == {}, f"run `make lock`: {lock} lacks {missing}"


def test_the_runtime_lock_holds_no_development_tool():
    runtime = locked("requirements.lock")
    assert not set(pins(DEV)) & set(runtime)
