"""Run charts drawn on the server as SVG: no script, quick to show, the same picture on
the web page and in the yearly report's PDF (avvik/dashboards/yearly.py).

A chart is a line of monthly values, the median as a line (a frozen baseline median
carried on after a measure's start, dashed), points that are part of a signal marked, and
hidden values ("<5", None) left as gaps. The table beside it holds the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 34


def run_chart_svg(values: Sequence[float | None], labels: Sequence[str], *,
                  median: float | None, title: str, marked: Sequence[bool] = (),
                  split: int | None = None, baseline_from: int = 0) -> Markup:
    """``split``: the index of the first point after a change (a vertical line there);
    ``baseline_from``: the index the median line starts at."""
    shown = [v for v in values if v is not None]
    top = max([*shown, median or 0, 1.0]) * 1.1
    count = max(len(values), 1)
    step = (WIDTH - LEFT - RIGHT) / max(count - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="svg-chart" role="img" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-label={quoteattr(title)}>',
             f"<title>{escape(title)}</title>",
             f'<line class="axis" x1="{LEFT}" y1="{y(0):.1f}" x2="{WIDTH - RIGHT}" '
             f'y2="{y(0):.1f}" stroke="#888" stroke-width="1"/>',
             f'<text x="{LEFT - 4}" y="{y(0):.1f}" text-anchor="end" font-size="10">0</text>',
             f'<text x="{LEFT - 4}" y="{y(top / 1.1) + 4:.1f}" text-anchor="end" '
             f'font-size="10">{_number(top / 1.1)}</text>']
    if split is not None and 0 < split < count:
        at = (x(split - 1) + x(split)) / 2
        parts.append(f'<line class="split" x1="{at:.1f}" y1="{TOP}" x2="{at:.1f}" '
                     f'y2="{y(0):.1f}" stroke="#555" stroke-dasharray="2 3"/>')
    if median is not None and count:
        dashes = ' stroke-dasharray="6 4"' if split else ""
        parts.append(f'<line class="median" x1="{x(baseline_from):.1f}" y1="{y(median):.1f}" '
                     f'x2="{x(count - 1):.1f}" y2="{y(median):.1f}" stroke="#c05621" '
                     f'stroke-width="1.5"{dashes}/>')
    for segment in _segments(values):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
        parts.append(f'<polyline class="series" fill="none" stroke="#1e5b93" '
                     f'stroke-width="2" points="{points}"/>')
    for i, v in enumerate(values):
        if v is None:
            continue
        signal = i < len(marked) and marked[i]
        look = 'r="4" fill="#c53030" class="marked"' if signal else 'r="2.5" fill="#1e5b93"'
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" {look}/>')
    every = max(1, -(-count // 12))
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    found: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if found[-1]:
                found.append([])
        else:
            found[-1].append((i, v))
    return [s for s in found if s]


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")
