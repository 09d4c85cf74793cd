"""Only the boundaries commit (architecture.md, rules 2, 3 and 6): the views' decorator,
the API's, the command line, the workers' tasks, the outbox and the e-mail delivery.

A commit anywhere else (a view, a form helper, a service) fails here: read
avvik/core/transactions.py and commit at the boundary instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Every module that may commit, and why.
MAY_COMMIT = {
    # The HTML views' boundary (@transactional), and its one named exception.
    "avvik/core/transactions.py",
    # The API's boundary: answered_once, and the bearer token's last use.
    "avvik/api/idempotency.py",
    "avvik/api/auth.py",
    # The command line: each command is its own transaction.
    "avvik/api/cli.py",
    "avvik/auth/cli.py",
    "avvik/demo/cli.py",
    "avvik/escalation/cli.py",
    "avvik/reports/cli.py",
    # The outbox: claims, dispatch stamps and outcomes, each committed as it happens.
    "avvik/outbox/runner.py",
    "avvik/outbox/dispatch.py",
    # The e-mail delivery: what was sent is committed before the next message goes.
    "avvik/notifications/delivery.py",
    # The workers' tasks: each task commits once, after its service.
    "workers/api.py",
    "workers/core.py",
    "workers/escalation.py",
    # A webhook attempt that is to be retried: its log line is committed before the
    # outbox runner rolls back and schedules the retry.
    "workers/integrations.py",
}


def _commits(path: Path) -> list[int]:
    """The lines of ``path`` that call ``<something session>.commit()``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit" and "session" in ast.unparse(node.func.value)]


def _modules() -> list[Path]:
    return [path for folder in ("avvik", "workers") for path in (ROOT / folder).rglob("*.py")
            if "migrations" not in path.parts]


def test_only_the_boundaries_commit():
    found = {str(path.relative_to(ROOT)): lines for path in _modules()
             if (lines := _commits(path))}
    stray = [f"{name}:{line}" for name, lines in sorted(found.items()) if name not in MAY_COMMIT
             for line in lines]
    assert not stray, ("These commit outside a boundary (avvik/core/transactions.py): "
                       + ", ".join(stray))


def test_the_list_names_only_modules_that_commit():
    # A boundary that no longer commits comes off the list, so the list stays true.
    found = {str(path.relative_to(ROOT)) for path in _modules() if _commits(path)}
    assert found >= MAY_COMMIT, sorted(MAY_COMMIT - found)


def test_the_scan_sees_a_commit(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("def view():\n    db.session.commit()\n    session.commit()\n")
    assert _commits(module) == [2, 3]
