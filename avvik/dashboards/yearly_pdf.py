"""The yearly report as a PDF, made on the server with WeasyPrint from the same data and
templates as the web page (avvik/dashboards/yearly.py): A4, page numbers, the charts as
the page's own SVG. Nothing is fetched while rendering: the stylesheet is read from the
package and every chart is inline."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "css" / "yearly-report.css"


def _no_fetching(url: str, *_args: Any, **_kwargs: Any) -> NoReturn:
    # A report holds no remote or local resource; refusing keeps a crafted text from
    # making the server fetch one.
    raise ValueError(f"not fetched: {url[:80]}")


def render_pdf(html: str) -> bytes:
    """``html`` (templates/dashboards/yearly_pdf.html, rendered) as PDF bytes."""
    from weasyprint import CSS, HTML  # imported when used: it loads Pango at import

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))])
