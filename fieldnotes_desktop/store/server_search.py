"""Full-text search on a PostgreSQL desk: the same answers as `store/search.py` gives a file.

The `entries.search` column (a tsvector the database keeps, migration 0001) has a GIN index.
What the writer types is read as FTS5 reads it on a file: every word must appear and the last,
still being typed, may be a prefix; text that looks like search syntax goes to
`websearch_to_tsquery`, which accepts any text, so no query can raise. As on a file, at most
`RANKED_MATCHES` matches are ranked (by `ts_rank_cd`); beyond that the newest come first, and
snippets (`ts_headline`, a costly read of the whole body) are made only for the rows shown.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldnotes_desktop.records import SearchHit
from fieldnotes_desktop.store import repository
from fieldnotes_desktop.store import search as fts

_WORD = re.compile(r"\w+", re.UNICODE)
# `fts.OPEN`/`fts.CLOSE` around each match, as FTS5's snippet() marks it; 16 words at most.
_HEADLINE = (
    f"StartSel={fts.OPEN}, StopSel={fts.CLOSE}, MaxWords=16, MinWords=6, ShortWord=0, "
    'MaxFragments=1, FragmentDelimiter="…"'
)
_UNTRASHED = "AND trashed_at IS NULL "


def tsquery(typed: str) -> tuple[str, dict[str, Any]] | None:
    """The SQL of the tsquery for what the writer typed, with its parameters; None for no words."""
    words = _WORD.findall(typed)
    if not words:
        return None
    if fts.uses_syntax(typed):
        return "websearch_to_tsquery('simple', :typed)", {"typed": typed}
    prefix = typed.rstrip() == typed and len(words[-1]) >= 2  # as `fts.plain_query` decides
    whole = words[:-1] if prefix else words
    parts, params = [], {}
    if whole:
        # Each word alone, ANDed: websearch_to_tsquery of plain words is exactly that.
        parts.append("websearch_to_tsquery('simple', :words)")
        params["words"] = " ".join(whole)
    if prefix:
        # A \w+ word quoted is one lexeme to to_tsquery (or several ANDed), never its syntax.
        parts.append("to_tsquery('simple', :prefix)")
        params["prefix"] = f"'{words[-1].lower()}':*"
    return " && ".join(parts), params


def search(session: Session, typed: str, limit: int, include_trashed: bool = False) -> list[SearchHit]:
    made = tsquery(typed)
    if made is None:
        return []
    query, params = made
    trash = "" if include_trashed else _UNTRASHED
    # One pass reads each match's vector once (its TOAST is most of the cost): the newest
    # matches up to the cap, ranked, with their count beside them.
    ranked = session.execute(
        text(
            f"WITH found AS (SELECT id, search FROM entries WHERE search @@ ({query}) {trash}"
            "ORDER BY id DESC LIMIT :cap) "
            f"SELECT id, ts_rank_cd(search, ({query})) AS rank, count(*) OVER () FROM found "
            "ORDER BY rank DESC, id DESC LIMIT :limit"
        ),
        {**params, "cap": max(fts.RANKED_MATCHES + 1, limit), "limit": limit},
    ).all()
    if not ranked:
        return []
    shown: list[tuple[int, float | None]]
    if ranked[0][2] > fts.RANKED_MATCHES:  # too many to rank: the newest come first, as on a file
        newest = session.execute(
            text(f"SELECT id FROM entries WHERE search @@ ({query}) {trash}ORDER BY id DESC LIMIT :limit"),
            {**params, "limit": limit},
        ).scalars()
        shown = [(int(entry_id), None) for entry_id in newest]
    else:
        # Negated, so that lower is better, as bm25's rank on a file.
        shown = [(int(entry_id), -float(rank)) for entry_id, rank, _count in ranked]
    ids = [entry_id for entry_id, _rank in shown]
    snippets: dict[int, str] = {
        int(entry_id): snippet
        for entry_id, snippet in session.execute(
            text(
                "SELECT id, ts_headline('simple', CASE WHEN body <> '' THEN body WHEN summary <> '' "
                f"THEN summary ELSE title END, ({query}), :options) FROM entries WHERE id = ANY(:ids)"
            ),
            {**params, "options": _HEADLINE, "ids": ids},
        )
    }
    summaries = repository.summaries_by_id(session, ids)
    return [
        SearchHit(entry=summaries[entry_id], snippet=fts.snippet_html(snippets.get(entry_id, "")), rank=rank)
        for entry_id, rank in shown
        if entry_id in summaries
    ]


def drifted(session: Session) -> tuple[int, ...]:
    """Entries whose kept search vector is not what their text gives now (none, unless someone
    changed the column's definition by hand): what `doctor` asks of a server's index."""
    rows = session.execute(
        text(
            "SELECT id FROM entries WHERE search IS DISTINCT FROM "
            "fieldnotes_search_vector(title, summary, body) ORDER BY id"
        )
    )
    return tuple(int(entry_id) for entry_id in rows.scalars())
