"""Adds many new entries with their tags in a few statements, inside the caller's transaction.

Import stores thousands of entries at a time; one ORM object and one flush per entry cost
~3 ms each, most of it SQLAlchemy's unit of work. These are Core `INSERT`s run as
executemany (SQLAlchemy packs them into multi-row statements), so the FTS triggers still
index every row, and nothing stays in the session's identity map once a batch is written.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from fieldnotes_desktop.records import DRAFT, EntrySummary
from fieldnotes_desktop.store.models import EntryRow, TagRow, entry_tags
from fieldnotes_desktop.store.repository import CHUNK, aware, naive_utc

# The tables themselves (declarative mapping types `__table__` as a plain FromClause).
_ENTRIES = cast(Table, EntryRow.__table__)
_TAGS = cast(Table, TagRow.__table__)


def existing_slugs(session: Session, slugs: Iterable[str]) -> set[str]:
    """Which of `slugs` an entry (trashed or not) already has."""
    wanted = list(dict.fromkeys(slugs))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(session.scalars(select(EntryRow.slug).where(EntryRow.slug.in_(chunk))))
    return found


def insert_entries(
    session: Session, rows: Sequence[Mapping[str, object]], *, now: dt.datetime
) -> list[EntrySummary]:
    """Inserts new entries at version 1 and returns their records, in the order given.

    Each row holds `uuid` and `slug` (unique: the caller has checked them) and the checked
    columns of `store.editing.CHANGEABLE`; `tags` is a list of tag names, created when missing.
    Columns left out get the defaults of a new entry, as `editing.insert_entry` gives them.
    """
    if not rows:
        return []
    stamp = naive_utc(now)
    values = [_entry_values(row, stamp) for row in rows]
    statement = insert(_ENTRIES).returning(_ENTRIES.c.id, _ENTRIES.c.uuid)
    # Matched by uuid rather than trusting the order RETURNING yields rows in, which SQLite
    # does not promise for a multi-row INSERT.
    ids = {str(uuid): int(entry_id) for entry_id, uuid in session.execute(statement, values)}
    names = [_tag_names(row.get("tags", ())) for row in rows]
    tag_ids = _tag_ids(session, (name for entry_names in names for name in entry_names))
    links = [
        {"entry_id": ids[str(row["uuid"])], "tag_id": tag_ids[name]}
        for row, entry_names in zip(rows, names)
        for name in entry_names
    ]
    if links:
        session.execute(insert(entry_tags), links)
    created = aware(stamp)
    # The records outlive the batch (the import's report holds one per file): names that
    # repeat from entry to entry are kept once.
    return [
        EntrySummary(
            id=ids[value["uuid"]], uuid=value["uuid"], title=value["title"], slug=value["slug"],
            status=value["status"], category=sys.intern(value["category"]), date=value["date"],
            volume=value["volume"], elevation_m=value["elevation_m"],
            tags=tuple(sorted(sys.intern(name) for name in entry_names)), summary=value["summary"], words=value["words"],
            reading_minutes=value["reading_minutes"], created_at=created, updated_at=created,
            version=1, trashed_at=None,
        )
        for value, entry_names in zip(values, names)
    ]


def _entry_values(row: Mapping[str, object], stamp: dt.datetime) -> dict[str, Any]:
    unknown = set(row) - _COLUMNS - {"tags"}
    if unknown:
        raise ValueError(f"not an entry field: {sorted(unknown)}")  # a programming error
    values: dict[str, Any] = {**_DEFAULTS, "created_at": stamp, "updated_at": stamp}
    values.update((name, value) for name, value in row.items() if name != "tags")
    if not isinstance(values["aliases"], str):  # a tuple of site paths, kept one per line
        values["aliases"] = "\n".join(values["aliases"])
    if not isinstance(values.get("date"), dt.date):
        raise ValueError("a new entry needs its date")  # the caller checks it; a programming error
    return values


_DEFAULTS: dict[str, object] = {
    "title": "", "body": "", "summary": "", "category": "", "status": DRAFT, "volume": None,
    "elevation_m": None, "reading_minutes": None, "words": 0, "version": 1, "trashed_at": None,
    "language": "", "word_goal": None, "cover": "", "author": "", "aliases": "", "published_time": "",
}
_COLUMNS = frozenset(_DEFAULTS) | {"uuid", "slug", "date"}


def _tag_names(names: object) -> list[str]:
    """As `editing.tags_for` reads them: stripped, blank ones dropped, each once."""
    if not isinstance(names, Iterable) or isinstance(names, str):
        raise ValueError("tags must be a list of names")  # a programming error
    return list(dict.fromkeys(str(name).strip() for name in names if str(name).strip()))


def _tag_ids(session: Session, names: Iterable[str]) -> dict[str, int]:
    """The ids of the tags named, creating the missing ones."""
    wanted = list(dict.fromkeys(names))
    ids: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        ids.update((str(name), int(tag_id)) for tag_id, name in session.execute(
            select(TagRow.id, TagRow.name).where(TagRow.name.in_(chunk))
        ))
    missing = [{"name": name} for name in wanted if name not in ids]
    if missing:
        statement = insert(_TAGS).returning(_TAGS.c.id, _TAGS.c.name)
        ids.update((str(name), int(tag_id)) for tag_id, name in session.execute(statement, missing))
    return ids
