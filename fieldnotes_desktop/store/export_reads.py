"""What an export reads in batches: every entry outside the trash without its body, then bodies by id.

An export of ten thousand entries never holds ten thousand bodies: it reads the summaries
once (numbering, lists, archives need them all) and the bodies a batch at a time, inside one
snapshot transaction the caller keeps open, so every batch sees the same database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldnotes_desktop.records import EntrySummary
from fieldnotes_desktop.store import plain_read
from fieldnotes_desktop.store.models import EntryRow
from fieldnotes_desktop.store.repository import CHUNK, on_server, summaries_in_date_order

# On a server the same reads go through SQLAlchemy: there is no sqlite3 connection to read on,
# and the rows are the network's cost, not SQLAlchemy's.


def summaries_outside_trash(session: Session) -> Iterator[EntrySummary]:
    """Every entry not in the trash, oldest first by (date, id), without bodies, a batch at a time."""
    # On the session's own sqlite3 connection (inside its snapshot), as the command line reads:
    # ORM rows weighed several times the summaries made of them, and SQLAlchemy's rows took a
    # twentieth of a warm export. Yielded as read, so an export shelving them never holds them all.
    if on_server(session):
        return summaries_in_date_order(session)
    return plain_read.summaries_by_date(_connection(session))


def bodies(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The bodies of the entries `ids` (entries deleted since are left out)."""
    found: dict[int, str] = {}
    if on_server(session):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            found.update({entry_id: body for entry_id, body in session.execute(
                select(EntryRow.id, EntryRow.body).where(EntryRow.id.in_(chunk)))})
        return found
    db = _connection(session)
    for start in range(0, len(ids), CHUNK):
        found.update(plain_read.bodies_by_id(db, ids[start : start + CHUNK]))
    return found


def old_addresses(session: Session) -> dict[str, tuple[str, ...]]:
    """Entry uuid → its old addresses elsewhere, for the entries that have some."""
    if on_server(session):
        rows = session.execute(
            select(EntryRow.uuid, EntryRow.aliases).where(EntryRow.aliases != "", EntryRow.trashed_at.is_(None))
        )
        return {uuid: tuple(aliases.split("\n")) for uuid, aliases in rows.tuples()}
    return plain_read.old_addresses(_connection(session))


def page_extras(session: Session) -> dict[int, tuple[str, str, str]]:
    """Entry id → (cover, author, published_time), for the entries that have any: what their
    pages tell link previews, read once (few entries have them) rather than with every body."""
    if on_server(session):
        rows = session.execute(
            select(EntryRow.id, EntryRow.cover, EntryRow.author, EntryRow.published_time).where(
                (EntryRow.cover != "") | (EntryRow.author != "") | (EntryRow.published_time != ""),
                EntryRow.trashed_at.is_(None),
            )
        )
        return {entry_id: (cover, author, time) for entry_id, cover, author, time in rows.tuples()}
    return plain_read.page_extras(_connection(session))


def _connection(session: Session) -> sqlite3.Connection:
    return cast(sqlite3.Connection, session.connection().connection.driver_connection)
