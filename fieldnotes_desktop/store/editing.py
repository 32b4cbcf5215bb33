"""Changes to entries and their revisions; every function takes the caller's session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from fieldnotes_desktop.records import DRAFT, Entry, EntrySummary, Revision
from fieldnotes_desktop.store.models import EntryRow, RevisionRow, TagRow
from fieldnotes_desktop.store.repository import get_row, naive_utc, to_entry, to_revision, to_summary

# What a service may change on an entry: its columns, and "tags" for its tag names.
CHANGEABLE = frozenset(
    {"title", "slug", "body", "words", "summary", "category", "status", "date", "volume",
     "elevation_m", "reading_minutes", "tags", "language", "word_goal", "cover", "author", "aliases",
     "published_time"}
)


def claim(session: Session, entry_id: int, base_version: int | None = None, *, bump: bool = True) -> bool:
    """Raises the entry's version by one (by none without `bump`); False when no row matched.

    Meant as the first statement of a transaction that changes the entry: it takes the write
    lock, and with `base_version` it matches only while the stored version is still that one,
    so a save based on an older version is refused by the database itself, never by a read
    racing another writer's commit. False means the entry is gone, or at another version.
    """
    statement = update(EntryRow).where(EntryRow.id == entry_id)
    if base_version is not None:
        statement = statement.where(EntryRow.version == base_version)
    statement = statement.values(version=EntryRow.version + (1 if bump else 0))
    # The row is not loaded yet in this transaction (see above), so there is nothing to refresh.
    result = cast(CursorResult[Any], session.execute(statement, execution_options={"synchronize_session": False}))
    return bool(result.rowcount)


def insert_entry(
    session: Session, *, uuid: str, slug: str, date: dt.date, now: dt.datetime, changes: Mapping[str, object]
) -> Entry:
    """A new draft at version 1 with `changes` (checked by the caller) over the empty defaults."""
    row = EntryRow(
        uuid=uuid, title="", slug=slug, body="", summary="", category="", status=DRAFT, date=date,
        created_at=naive_utc(now), updated_at=naive_utc(now), words=0, version=1,
    )
    _apply(session, row, changes)
    session.add(row)
    session.flush()
    return to_entry(row)


def change_entry(
    session: Session, entry_id: int, changes: Mapping[str, object], *, now: dt.datetime | None
) -> Entry:
    """Writes `changes` (checked by the caller, after `claim`); `now` becomes its updated_at."""
    row = get_row(session, entry_id)
    _apply(session, row, changes)
    if now is not None:
        row.updated_at = naive_utc(now)
    session.flush()
    return to_entry(row)


def set_trashed(session: Session, entry_id: int, moment: dt.datetime | None) -> EntrySummary:
    """Moves the entry to the trash at `moment`, or out of it with None (after `claim`)."""
    row = get_row(session, entry_id)
    row.trashed_at = naive_utc(moment) if moment is not None else None
    return to_summary(row)


def delete_trashed(session: Session) -> int:
    """Deletes the entries in the trash for good, their revisions with them; returns how many."""
    # A DML statement gives a CursorResult, which has the rowcount, though Session.execute is
    # annotated as returning the plain Result.
    result = cast(
        CursorResult[Any], session.execute(delete(EntryRow).where(EntryRow.trashed_at.is_not(None)))
    )
    return int(result.rowcount or 0)


def add_revision(session: Session, entry: Entry, reason: str, now: dt.datetime, author: str = "") -> Revision:
    """Keeps `entry`'s title and body as they are in the record, under `reason`, by `author`."""
    row = RevisionRow(
        entry_id=entry.id, title=entry.title, body=entry.body, reason=reason, words=entry.words,
        created_at=naive_utc(now), author=author,
    )
    session.add(row)
    session.flush()
    return to_revision(row)


def tags_for(session: Session, names: Iterable[str]) -> list[TagRow]:
    """The tag rows for `names`, creating the missing ones."""
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if not wanted:
        return []
    existing = {t.name: t for t in session.scalars(select(TagRow).where(TagRow.name.in_(wanted)))}
    rows = []
    for name in wanted:
        row = existing.get(name)
        if row is None:
            row = TagRow(name=name)
            session.add(row)
            existing[name] = row
        rows.append(row)
    return rows


def _apply(session: Session, row: EntryRow, changes: Mapping[str, object]) -> None:
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise ValueError(f"not an entry field: {sorted(unknown)}")  # a programming error
    for name, value in changes.items():
        if name == "tags":
            row.tags = tags_for(session, cast(Iterable[str], value))
        elif name == "aliases":
            row.aliases = "\n".join(cast(Iterable[str], value))
        else:
            setattr(row, name, value)
