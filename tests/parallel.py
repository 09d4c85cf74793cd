"""How `make test` shares the tests among its processes (pytest-xdist, ``--dist loadgroup``).

A module's tests stay in one process, so its module fixtures (a browser's server, a
database) are made once. Modules that share a costlier session fixture form one group:
the demo history (tests/demo/history) is loaded once per database, in one process only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
#: Folders whose modules all run in one process, by the fixture they share.
SHARED_FOLDERS = {TESTS / "demo" / "history": "demo-history"}


def group_of(path: Path) -> str:
    for folder, group in SHARED_FOLDERS.items():
        if path.is_relative_to(folder):
            return group
    return str(path.relative_to(TESTS))


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks into the test ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group_of(item.path)))
