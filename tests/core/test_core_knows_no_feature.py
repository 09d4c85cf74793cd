"""``avvik/core`` is shared by every feature, so it imports none of them (not even inside
a function): a feature's rules reach core only as values the app passes in."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "avvik" / "core"
#: What core may import from the project besides itself.
ALLOWED = {"avvik.core", "avvik.extensions"}


def _project_imports(source: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "avvik" or name.startswith("avvik.")}


def test_core_imports_no_feature() -> None:
    offending = {
        f"{source.name}: {name}"
        for source in CORE.glob("*.py")
        for name in _project_imports(source)
        if not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED)
    }
    assert offending == set()


def test_the_scan_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text("def f():\n    from avvik.stats.scope import may_view_stats\n")
    assert _project_imports(source) == {"avvik.stats.scope"}
