"""Reading the dashboards' HTML the way a reader (or a screen reader) gets it: the
tables' cells as text, the charts' JSON specs, the error messages."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any


class _Tables(HTMLParser):
    """Every <table id=...>: its rows (header row included) as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.specs: dict[str, dict[str, Any]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._figure: str | None = None
        self._spec: list[str] | None = None
        self._skip = 0  # inside <caption> or a screen-reader-only span of a link

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table" and attributes.get("id"):
            self._table = attributes["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "caption":
            self._skip += 1
        elif tag == "figure" and "data-chart" in attributes:
            self._figure = attributes.get("id")
        elif tag == "script" and "data-chart-spec" in attributes:
            self._spec = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "caption":
            self._skip -= 1
        elif tag == "script" and self._spec is not None and self._figure:
            self.specs[self._figure] = json.loads("".join(self._spec))
            self._spec = None

    def handle_data(self, data: str) -> None:
        if self._spec is not None:
            self._spec.append(data)
        elif self._cell is not None and not self._skip:
            self._cell.append(data)


def parse(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def table(html: str, table_id: str) -> list[list[str]]:
    """The rows of the table ``table_id`` (its header row first)."""
    tables = parse(html).tables
    assert table_id in tables, f"no table {table_id!r}; there are {sorted(tables)}"
    return tables[table_id]


def column(html: str, table_id: str, header: str) -> dict[str, str]:
    """{first cell of each row: the cell under ``header``} of a table."""
    head, *rows = table(html, table_id)
    index = head.index(header)
    return {row[0]: row[index] for row in rows}


def chart(html: str, figure_id: str) -> dict[str, Any]:
    specs = parse(html).specs
    assert figure_id in specs, f"no chart {figure_id!r}; there are {sorted(specs)}"
    return specs[figure_id]
