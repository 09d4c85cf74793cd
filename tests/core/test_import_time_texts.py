"""No text is translated when a module is imported: the language is the request's.

A label turned into a string in a module or class body (``str(_l(...))``, ``gettext(...)``)
is fixed in whatever language the first import happened to run in, and every later reader
gets that one. The labels stay lazy until a request renders them.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "avvik"
#: Calls that turn a lazy text into a fixed one (or translate at once).
FIXING_CALLS = {"str", "_", "gettext", "ngettext", "pgettext", "format", "format_date",
                "format_datetime", "format_decimal"}


def _called(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    return function.attr if isinstance(function, ast.Attribute) else None


class ImportTimeCalls(ast.NodeVisitor):
    """The calls run when the module is imported: not those inside function bodies."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for expression in [*node.decorator_list, *node.args.defaults,
                           *(d for d in node.args.kw_defaults if d is not None)]:
            self.visit(expression)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        return None

    def visit_Call(self, node: ast.Call) -> None:
        if _called(node) in FIXING_CALLS:
            self.found.append((node.lineno, ast.unparse(node)[:80]))
        self.generic_visit(node)


def test_no_module_translates_a_text_at_import():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        visitor = ImportTimeCalls()
        visitor.visit(ast.parse(path.read_text(), str(path)))
        found += [f"{path.relative_to(PACKAGE.parent)}:{line}: {code}"
                  for line, code in visitor.found]
    assert found == [], "translated or formatted at import, keep it lazy:\n" + "\n".join(found)


def test_the_check_sees_a_label_fixed_in_a_class_body():
    source = "class F:\n    choices = [(k, str(v)) for k, v in LABELS.items()]\n" \
             "    def later(self):\n        return str(self.choices)\n"
    visitor = ImportTimeCalls()
    visitor.visit(ast.parse(source))
    assert visitor.found == [(2, "str(v)")]
