"""The reads an export and the preview make of finished entries, and the revisions an export leaves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from fieldnotes_desktop.records import FINISHED, Entry, EntrySummary
from fieldnotes_desktop.store.models import EntryRow, RevisionRow, TagRow, entry_tags
from fieldnotes_desktop.store.repository import CHUNK, naive_utc, to_entry, to_summary

_FINISHED = (EntryRow.status == FINISHED) & EntryRow.trashed_at.is_(None)
_ALL_CATEGORIES = select(EntryRow.category).distinct().subquery()  # read from the category index alone


def would_be_number(session: Session, entry: Entry) -> tuple[int, int] | None:
    """The entry's place among the finished entries of its volume by (date, id), counting itself,
    and the volume's total; None without a volume."""
    if entry.volume is None:
        return None
    others = _FINISHED & (EntryRow.volume == entry.volume) & (EntryRow.id != entry.id)
    before = (EntryRow.date < entry.date) | ((EntryRow.date == entry.date) & (EntryRow.id < entry.id))
    total, earlier = session.execute(select(func.count(), func.count().filter(before)).where(others)).one()
    return earlier + 1, total + 1


def published_names(session: Session) -> tuple[list[str], list[str]]:
    """The categories and tags of finished entries, which decide the archive folders' names.

    Asked per name (a handful) rather than per entry: filtering ten thousand rows by status
    reads each row's body on the way, since the columns after it live past the text.
    """
    same_category = select(EntryRow.id).where(_FINISHED, EntryRow.category == _ALL_CATEGORIES.c.category)
    categories = session.scalars(select(_ALL_CATEGORIES.c.category).where(same_category.exists())).all()
    # correlated by hand: through two levels of subquery SQLAlchemy would give `tags` its own FROM
    tagged = select(entry_tags.c.entry_id).where(entry_tags.c.tag_id == TagRow.id).correlate(TagRow)
    used = select(EntryRow.id).where(_FINISHED, EntryRow.id.in_(tagged)).exists()
    tags = session.scalars(select(TagRow.name).where(used)).all()
    return list(categories), list(tags)


def newest_finished(session: Session, exclude: int, limit: int, category: str | None = None) -> list[EntrySummary]:
    query = select(EntryRow).options(defer(EntryRow.body)).where(_FINISHED, EntryRow.id != exclude)
    if category is not None:
        query = query.where(EntryRow.category == category)
    rows = session.scalars(query.order_by(EntryRow.date.desc(), EntryRow.id.desc()).limit(limit))
    return [to_summary(r) for r in rows]


def entries_outside_trash(session: Session) -> list[Entry]:
    """Every entry not in the trash, with its body, oldest first by (date, id)."""
    rows = session.scalars(
        select(EntryRow).where(EntryRow.trashed_at.is_(None)).order_by(EntryRow.date, EntryRow.id)
    )
    return [to_entry(r) for r in rows]


def record_exports(session: Session, entries: Sequence[Entry], now: dt.datetime) -> None:
    """An `export` revision per entry, except where the newest revision is that export already.

    Entries deleted for good since the snapshot are passed over.
    """
    for start in range(0, len(entries), CHUNK):
        chunk = entries[start : start + CHUNK]
        ids = [e.id for e in chunk]
        alive = set(session.scalars(select(EntryRow.id).where(EntryRow.id.in_(ids))))
        newest = (
            select(func.max(RevisionRow.id))
            .where(RevisionRow.entry_id.in_(ids))
            .group_by(RevisionRow.entry_id)
        )
        rows = session.scalars(select(RevisionRow).where(RevisionRow.id.in_(newest)))
        latest = {r.entry_id: (r.reason, r.title, r.body) for r in rows}
        for entry in chunk:
            if entry.id not in alive or latest.get(entry.id) == ("export", entry.title, entry.body):
                continue
            session.add(
                RevisionRow(
                    entry_id=entry.id, title=entry.title, body=entry.body,
                    reason="export", words=entry.words, created_at=naive_utc(now),
                )
            )
