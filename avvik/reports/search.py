"""Search over cases: the words of their free text and comments, and their case numbers.

``matches`` is one more condition on the list's query, which starts from the user's
scope (``visible_condition``): a search finds exactly the cases the list would show with
the same filters. ``relevance`` orders them: a case whose number was typed first, then by
the text's rank (PostgreSQL ``ts_rank``, SQLite ``bm25``).

PostgreSQL reads the query as a web search box does (``websearch_to_tsquery``: quotes
make a phrase, ``or`` an alternative, ``-`` excludes) and stems Norwegian words, so
"medisiner" finds "medisinen". SQLite (FTS5) has no Norwegian stemmer: every word is
quoted, so nothing typed is read as FTS syntax, and the last word matches as a prefix.
The index itself is avvik/reports/search_index.py.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    case,
    column,
    false,
    func,
    literal_column,
    select,
    table,
    union,
)

from avvik.core.sql import dialect_name
from avvik.extensions import db
from avvik.reports.case_numbers import PREFIX, format_case_number
from avvik.reports.models import CaseNumberCounter, Report, ReportEvent
from avvik.reports.paging import COUNT_CAP, Page, _load
from avvik.reports.search_index import INDEXED_FIELDS

#: SA-2026-01623, 2026-01623, 2026-1623, 01623 or 1623: a case number, whole or its end.
CASE_NUMBER = re.compile(rf"^(?:{PREFIX}-?)?(?:(\d{{4}})-)?(\d{{1,5}})$", re.IGNORECASE)
WORD = re.compile(r"\w+")
MAX_WORDS = 20
#: Ranks a case whose number was typed above any ranking of text.
NUMBER_FIRST = 1000.0
#: A search ranks at most this many matches, the newest (see ``ranked_page``).
RANK_CAP = 1000

NORWEGIAN = literal_column("'norwegian'::regconfig")
_reports_fts = table("reports_fts", column("rowid"))
_comments_fts = table("report_comments_fts", column("rowid"))


def matches(text: str) -> ColumnElement[bool]:
    """The reports whose free text or comments hold the words, or whose case number is
    ``text``; none when ``text`` has neither words nor a case number. One ``IN`` over
    a union, which PostgreSQL reads through the indexes (an ``OR`` would read every
    row)."""
    text = _usable(text)
    hits = _text_hits(text, dialect_name())
    numbered = Report.__table__.alias("numbered")
    number = case_number_condition(text, numbered)
    if number is not None:
        hits.append(select(numbered.c.id).where(number))
    return Report.id.in_(union(*hits)) if hits else false()


def relevance(text: str) -> ColumnElement[float]:
    """How well a report matches, higher first: for ``ORDER BY`` over ``matches``."""
    text = _usable(text)
    number = case_number_condition(text)
    first = case((number, NUMBER_FIRST), else_=0.0) if number is not None \
        else literal_column("0.0", Float)
    if dialect_name() == "postgresql":
        return first + func.ts_rank(pg_document(Report.__table__), _tsquery(text))
    words = fts_query(text)
    if words is None:
        return first
    rank = select(-func.bm25(literal_column("reports_fts"))).select_from(_reports_fts) \
        .where(_match("reports_fts", words), _reports_fts.c.rowid == Report.id)
    return first + func.coalesce(rank.scalar_subquery(), 0.0)


def case_number_condition(text: str, reports: Any = Report.__table__
                          ) -> ColumnElement[bool] | None:
    """The case with this number, or the cases whose number ends so (any year)."""
    found = CASE_NUMBER.match(text.strip())
    if found is None:
        return None
    year, sequence = found.groups()
    if year:
        return reports.c.case_number == format_case_number(int(year), int(sequence))
    # Each year's number, looked up in the unique index: a LIKE on the end would read
    # every case number. The counters hold a row per year that has numbers.
    years = db.session.execute(select(CaseNumberCounter.year)).scalars()
    return reports.c.case_number.in_([format_case_number(y, int(sequence)) for y in years])


def fts_query(text: str) -> str | None:
    """An FTS5 query for SQLite: each word a quoted string, the last also a prefix."""
    words = WORD.findall(text)[:MAX_WORDS]
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words) + "*"


def pg_document(reports: Any) -> ColumnElement[Any]:
    """A report's text as PostgreSQL indexes it (``ix_reports_search``): the same
    expression, or the planner will not use the index."""
    joined: ColumnElement[Any] | None = None
    for name in INDEXED_FIELDS:
        part = func.coalesce(reports.c[name], literal_column("''"))
        joined = part if joined is None else joined.op("||")(literal_column("' '")).op(
            "||")(part)
    return func.to_tsvector(NORWEGIAN, joined)


def ranked_page(query: Select, rank: ColumnElement[float], page: int, per_page: int,
                count_cap: int | None = None) -> Page:
    """Page ``page`` of ``query`` (which carries the scope and the search), best first,
    counted as the other sorts are: exactly up to the cap past the page's start.

    A rank has no index to walk, and PostgreSQL computes it from each match's text, so
    only the newest ``RANK_CAP`` matches are ranked: a word found in more cases than
    that is one to narrow with another word or a filter (the list says "more than")."""
    offset = (page - 1) * per_page
    limit = offset + (COUNT_CAP if count_cap is None else count_cap)
    ids = query.with_only_columns(Report.id).order_by(None)
    total = db.session.execute(
        select(func.count()).select_from(ids.limit(limit + 1).subquery())).scalar_one()
    newest = ids.order_by(Report.created_at.desc(), Report.id.desc()).limit(RANK_CAP) \
        .subquery()
    shown = db.session.execute(
        select(Report.id).join(newest, newest.c.id == Report.id)
        .order_by(rank.desc(), Report.id.desc()).offset(offset).limit(per_page)
    ).scalars().all()
    return Page(_load(list(shown)), min(total, limit), page, per_page,
                offset + per_page < min(total, RANK_CAP), total_is_exact=total <= limit)


def _text_hits(text: str, dialect: str) -> list[Select]:
    """The ids of reports whose own text holds the words, and of those whose comments do."""
    if dialect == "postgresql":
        query = _tsquery(text)
        searched = Report.__table__.alias("searched")
        return [select(searched.c.id).where(pg_document(searched).op("@@")(query)),
                select(ReportEvent.report_id).where(
                    ReportEvent.kind == "comment",
                    func.to_tsvector(NORWEGIAN, ReportEvent.text).op("@@")(query))]
    words = fts_query(text)
    if words is None:
        return []
    return [select(_reports_fts.c.rowid).where(_match("reports_fts", words)),
            select(ReportEvent.report_id).where(ReportEvent.id.in_(
                select(_comments_fts.c.rowid).where(_match("report_comments_fts", words))))]


def _tsquery(text: str) -> ColumnElement[Any]:
    return func.websearch_to_tsquery(NORWEGIAN, text)


def _match(fts_table: str, words: str) -> ColumnElement[bool]:
    return literal_column(fts_table).op("MATCH")(words)


def _usable(text: str) -> str:
    # PostgreSQL takes no NUL in a text parameter; a NUL is no part of a word anyway.
    return text.replace("\x00", " ")
