"""What an export reads in batches: every entry outside the trash without its body, then bodies by id.

An export of ten thousand entries never holds ten thousand bodies: it reads the summaries
once (numbering, lists, archives need them all) and the bodies a batch at a time, inside one
snapshot transaction the caller keeps open, so every batch sees the same database.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from fieldnotes_desktop.records import EntrySummary
from fieldnotes_desktop.store.models import EntryRow
from fieldnotes_desktop.store.repository import CHUNK, to_summary

_STREAM = 500  # ORM rows loaded at a time when reading every summary


def summaries_outside_trash(session: Session) -> list[EntrySummary]:
    """Every entry not in the trash, oldest first by (date, id), without bodies."""
    # Streamed: loaded all at once, ten thousand ORM rows and their states would weigh several
    # times the summaries made of them (34 MB at the peak for 10,000 entries, against 9 MB).
    rows = session.scalars(
        select(EntryRow)
        .options(defer(EntryRow.body))
        .where(EntryRow.trashed_at.is_(None))
        .order_by(EntryRow.date, EntryRow.id)
        .execution_options(yield_per=_STREAM)
    )
    return [to_summary(r) for r in rows]


def bodies(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The bodies of the entries `ids` (entries deleted since are left out)."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        rows = session.execute(select(EntryRow.id, EntryRow.body).where(EntryRow.id.in_(chunk)))
        found.update((entry_id, body) for entry_id, body in rows)
    return found
