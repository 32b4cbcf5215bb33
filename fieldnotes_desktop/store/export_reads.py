"""What an export reads in batches: every entry outside the trash without its body, then bodies by id.

An export of ten thousand entries never holds ten thousand bodies: it reads the summaries
once (numbering, lists, archives need them all) and the bodies a batch at a time, inside one
snapshot transaction the caller keeps open, so every batch sees the same database.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldnotes_desktop.records import EntrySummary
from fieldnotes_desktop.store.models import EntryRow
from fieldnotes_desktop.store.repository import CHUNK, SUMMARY_COLUMNS, summaries_of

_STREAM = 500  # ORM rows loaded at a time when reading every summary


def summaries_outside_trash(session: Session) -> Iterator[EntrySummary]:
    """Every entry not in the trash, oldest first by (date, id), without bodies, a batch at a time."""
    # Columns, not ORM rows: ten thousand ORM rows and their states weighed several times the
    # summaries made of them. Yielded as read, so an export shelving them never holds them all.
    query = select(*SUMMARY_COLUMNS).where(EntryRow.trashed_at.is_(None)).order_by(EntryRow.date, EntryRow.id)
    for rows in session.execute(query.execution_options(yield_per=_STREAM)).partitions():
        yield from summaries_of(session, rows)


def bodies(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The bodies of the entries `ids` (entries deleted since are left out)."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        rows = session.execute(select(EntryRow.id, EntryRow.body).where(EntryRow.id.in_(chunk)))
        found.update((entry_id, body) for entry_id, body in rows)
    return found
