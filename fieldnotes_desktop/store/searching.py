"""The one search of the entries, on a file (FTS5) or on a server (tsvector), with one result shape."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fieldnotes_desktop.records import SearchHit
from fieldnotes_desktop.store import repository, server_search


def search(session: Session, query_text: str, limit: int, include_trashed: bool = False) -> list[SearchHit]:
    """The best `limit` matches for what the writer typed (never a syntax error), snippets marked."""
    if repository.on_server(session):
        return server_search.search(session, query_text, limit, include_trashed)
    return repository.search_rows(session, query_text, limit, include_trashed)
