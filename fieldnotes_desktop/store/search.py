"""Full-text search: builds FTS5 queries from what a writer types (never a syntax error) and runs them.

Ranking every match with bm25 costs about a microsecond and a half a row, so a word found in
most of 100,000 entries took a quarter of a second. The search therefore first reads the newest
matches' ids, at most `RANKED_MATCHES` + 1 of them, which is cheap because FTS5 walks its lists
in rowid order and stops; only when that many are not found does it rank them all, and snippets
are made only for the rows shown.

A prefix of two or three letters reads an index of its own (`prefix='2 3'`, migration 0004);
a longer one is answered by merging the lists of every word it begins, before the first row,
which is why the passes below are counted for prefix queries.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

_T = TypeVar("_T")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_SYNTAX = re.compile(r'["*()^:+\-]|\b(AND|OR|NOT|NEAR)\b')
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})

# Up to this many matches are ranked by bm25 (best first); beyond it the newest come first.
# Ranking 2,000 rows costs a few milliseconds; a word in thousands of entries is one the
# writer narrows with a second word anyway, and then ranking applies again.
RANKED_MATCHES = 2000
# Control characters a writer never types mark the match until the snippet is escaped.
OPEN, CLOSE = "\x02", "\x03"

_SNIPPET = "snippet(entries_fts, -1, :open, :close, '…', 16)"
_BM25 = "bm25(entries_fts, 10.0, 4.0, 1.0)"
# The trash test reads the small covering index ix_entries_listing once per query, instead of
# each match's row in `entries`, whose trashed_at lies past the body.
_UNTRASHED = "AND entries_fts.rowid NOT IN (SELECT id FROM entries WHERE trashed_at IS NOT NULL) "
_FIRST = "fieldnotes_first"  # an SQL function that is true for the first `limit` rows
# What `plain_query` makes of two or more typed words, the last a prefix: the words before it.
_TYPED = re.compile(r'^((?:"\w+" )+)"\w+"\*$')


@dataclass(frozen=True, slots=True)
class Match:
    """One row of a search: the entry's id, its snippet (match marked by OPEN/CLOSE), its bm25 rank."""

    entry_id: int
    snippet: str
    rank: float | None  # None: too many matches to rank, shown newest first


def quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def plain_query(text: str, *, drop_operators: bool = False) -> str | None:
    """Every word must appear; the last one may be a prefix, because the writer is still typing.

    With `drop_operators`, AND/OR/NOT/NEAR are left out: the reading of a query whose FTS
    syntax is broken, where they were meant as operators, not as words to find.
    """
    words = _TOKEN.findall(text)
    if drop_operators:
        words = [word for word in words if word not in _OPERATORS]
    if not words:
        return None
    parts = [quote(word) for word in words]
    # A one-letter tail ("it's", "C++") as a prefix would match nearly every entry.
    if text.rstrip() == text and len(words[-1]) >= 2:
        parts[-1] += "*"
    return " ".join(parts)


def phrase_query(text: str) -> str | None:
    """The whole text as one phrase: the fallback when the writer's FTS syntax is broken."""
    words = _TOKEN.findall(text)
    return quote(" ".join(words)) if words else None


def uses_syntax(text: str) -> bool:
    """True when the writer seems to be using FTS5 operators on purpose."""
    return bool(_SYNTAX.search(text))


def readings(text: str) -> list[str]:
    """The FTS5 queries to try for what the writer typed, in order, each tried when the one
    before it is not valid FTS5 syntax: their own syntax first when they seem to use it."""
    candidates: list[str | None] = []
    if uses_syntax(text):
        candidates += [text, plain_query(text, drop_operators=True)]
    candidates += [plain_query(text), phrase_query(text)]
    return list(dict.fromkeys(q for q in candidates if q))


def first_reading(text: str, attempt: Callable[[str], list[_T]]) -> list[_T]:
    """What `attempt` returns for the first of the `readings` of `text` that is valid FTS5 syntax
    (`attempt` raising sqlite3.OperationalError for one that is not); [] when none is."""
    for match in readings(text):
        try:
            return attempt(match)
        except sqlite3.OperationalError:
            continue  # broken FTS syntax: fall back to a plainer reading of the same words
    return []


def snippet_html(raw: str | None) -> str:
    """The snippet as safe HTML: the entry's own text escaped, only the match marks left as tags."""
    # Escaped first: a body's own "<script>" must not reach a view as markup.
    return html.escape(raw or "", quote=False).replace(OPEN, "<mark>").replace(CLOSE, "</mark>")


def run_on(db: sqlite3.Connection, match: str, limit: int, include_trashed: bool) -> list[Match]:
    """The `limit` best matches of the FTS5 query `match`, or the newest when there are too many
    to rank; raises sqlite3.OperationalError when `match` is not valid FTS5 syntax."""
    trash = "" if include_trashed else _UNTRASHED
    marks = {"match": match, "open": OPEN, "close": CLOSE}
    if _surely_few(db, match):
        return _ranked_with_snippets(db, marks, limit, trash)
    # One pass gives both the count (up to the cap) and the newest rows with their snippets:
    # a prefix query merges its terms' lists before the first row, so a second pass would pay
    # for that merge twice.
    db.create_function(_FIRST, 0, _first(limit))
    newest = db.execute(
        f"SELECT rowid, CASE WHEN {_FIRST}() THEN {_SNIPPET} END FROM entries_fts "
        f"WHERE entries_fts MATCH :match {trash}ORDER BY rowid DESC LIMIT :cap",
        {**marks, "cap": max(RANKED_MATCHES + 1, limit)},
    ).fetchall()
    if not newest:
        return []
    shown: list[tuple[int, float | None]]
    if len(newest) > RANKED_MATCHES:
        shown = [(rowid, None) for rowid, _snippet in newest[:limit]]
    elif "*" in match:
        # Each further pass would merge the prefix's lists again (bm25 itself needs two): one
        # pass, as the search always was, kept to the range the matches are now known to span.
        return _ranked_with_snippets(db, marks, limit, trash, (newest[-1][0], newest[0][0]))
    else:
        ranked = db.execute(
            f"SELECT rowid, {_BM25} AS rank FROM entries_fts WHERE entries_fts MATCH :match "
            f"AND rowid BETWEEN :low AND :high {trash}ORDER BY rank LIMIT :limit",
            {"match": match, "low": newest[-1][0], "high": newest[0][0], "limit": limit},
        ).fetchall()
        shown = [(rowid, float(rank)) for rowid, rank in ranked]
    # Normally the first `limit` rows; any other order of evaluation only costs one more pass.
    snippets: dict[int, str] = {rowid: snippet for rowid, snippet in newest[:limit] if snippet is not None}
    snippets.update(_snippets(db, marks, [rowid for rowid, _ in shown if rowid not in snippets]))
    return [Match(rowid, snippets.get(rowid, ""), rank) for rowid, rank in shown]


def _surely_few(db: sqlite3.Connection, match: str) -> bool:
    """True when the words before a typed query's prefix already match no more entries than are
    ranked: then the whole query matches fewer still (every word must appear), and the first
    pass, with the prefix's merge, can be left out ("quetzalcoatlus own" costs what it always did)."""
    typed = _TYPED.match(match)
    if typed is None:
        return False
    (count,) = db.execute(
        "SELECT count(*) FROM (SELECT 1 FROM entries_fts WHERE entries_fts MATCH ? LIMIT ?)",
        (typed.group(1).strip(), RANKED_MATCHES + 1),
    ).fetchone()
    return bool(count <= RANKED_MATCHES)


def _ranked_with_snippets(
    db: sqlite3.Connection, marks: dict[str, str], limit: int, trash: str, span: tuple[int, int] | None = None
) -> list[Match]:
    """bm25 order with snippets in one pass: the search as it was, for a few matches."""
    within = "AND rowid BETWEEN :low AND :high " if span else ""
    low, high = span or (0, 0)
    found = db.execute(
        f"SELECT rowid, {_SNIPPET}, {_BM25} AS rank FROM entries_fts WHERE entries_fts MATCH :match "
        f"{within}{trash}ORDER BY rank LIMIT :limit",
        {**marks, "low": low, "high": high, "limit": limit},
    )
    return [Match(rowid, snippet or "", float(rank)) for rowid, snippet, rank in found]


def _snippets(db: sqlite3.Connection, marks: dict[str, str], wanted: Sequence[int]) -> dict[int, str]:
    """Snippets for these rows only, in one pass over the matches in their rowid range.

    Not `rowid IN (...)`: FTS5 would start the query afresh for every id, merging a prefix
    query's lists each time; the `+` keeps the test out of the index, after the MATCH.
    """
    if not wanted:
        return {}
    found = db.execute(
        f"SELECT rowid, {_SNIPPET} FROM entries_fts WHERE entries_fts MATCH :match "
        "AND rowid BETWEEN :low AND :high AND +rowid IN (SELECT value FROM json_each(:ids))",
        {**marks, "low": min(wanted), "high": max(wanted), "ids": json.dumps(list(wanted))},
    )
    return {rowid: snippet or "" for rowid, snippet in found}


def _first(count: int) -> Callable[[], bool]:
    """True for its first `count` calls: snippets for the rows shown, not for those only counted."""
    calls = 0

    def first() -> bool:
        nonlocal calls
        calls += 1
        return calls <= count

    return first
