"""One change to many entries at once, and putting their values back, inside the caller's transaction.

The list's bulk edits (set a status, a category or a volume, add or remove a tag, trash or
restore) touch one column of many rows: these are set-based statements over chunks of ids,
never one ORM object per entry, and never the bodies. Each change starts with a claim, as
`editing.claim` does for one entry: the version goes up in the statement that takes the
write lock, and only for the entries the change would alter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import ColumnElement, delete, insert, select, tuple_, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from fieldnotes_desktop.store.editing import tags_for
from fieldnotes_desktop.store.models import EntryRow, TagRow, entry_tags
from fieldnotes_desktop.store.repository import CHUNK, aware, naive_utc

Column = Literal["status", "category", "volume", "trashed_at"]
# A stored value and the entry's updated_at beside it, as a bulk change found them.
Stored = tuple[object, dt.datetime]

_COLUMNS: dict[str, InstrumentedAttribute[Any]] = {
    "status": EntryRow.status,
    "category": EntryRow.category,
    "volume": EntryRow.volume,
    "trashed_at": EntryRow.trashed_at,
}


def claim_unlike(session: Session, entry_ids: Sequence[int], column: Column, value: object) -> dict[int, int]:
    """Raises the version of those of `entry_ids` whose `column` is not `value`; their new versions by id."""
    return _claim(session, entry_ids, _COLUMNS[column].is_distinct_from(_stored(column, value)))


def claim_tagged(session: Session, entry_ids: Sequence[int], tag: str, *, tagged: bool) -> dict[int, int]:
    """Raises the version of those that have the tag named `tag` (`tagged`) or lack it (not `tagged`)."""
    having = (
        select(entry_tags.c.entry_id).join(TagRow, TagRow.id == entry_tags.c.tag_id).where(TagRow.name == tag)
    )
    return _claim(session, entry_ids, EntryRow.id.in_(having) if tagged else EntryRow.id.not_in(having))


def claim_trashed(session: Session, entry_ids: Sequence[int], *, trashed: bool) -> dict[int, int]:
    """Raises the version of those in the trash (`trashed`) or out of it (not `trashed`)."""
    column = EntryRow.trashed_at
    return _claim(session, entry_ids, column.is_not(None) if trashed else column.is_(None))


def claim_at(session: Session, versions: Mapping[int, int]) -> dict[int, int]:
    """Raises the version of the entries still at the version given for them (id → version);
    the others were changed since, or are gone, and are left alone."""
    pairs = list(versions.items())
    found: dict[int, int] = {}
    for start in range(0, len(pairs), CHUNK // 2):  # two variables a pair
        chunk = pairs[start : start + CHUNK // 2]
        found.update(_claimed(session, tuple_(EntryRow.id, EntryRow.version).in_(chunk)))
    return found


def _claim(session: Session, entry_ids: Sequence[int], condition: ColumnElement[bool]) -> dict[int, int]:
    wanted = list(dict.fromkeys(entry_ids))
    found: dict[int, int] = {}
    for start in range(0, len(wanted), CHUNK):
        found.update(_claimed(session, EntryRow.id.in_(wanted[start : start + CHUNK]) & condition))
    return found


def _claimed(session: Session, condition: ColumnElement[bool]) -> dict[int, int]:
    statement = (
        update(EntryRow).where(condition).values(version=EntryRow.version + 1)
        .returning(EntryRow.id, EntryRow.version)
    )  # fmt: skip
    # Nothing of these rows is loaded in the session: there is nothing to synchronise.
    rows = session.execute(statement, execution_options={"synchronize_session": False})
    return {int(entry_id): int(version) for entry_id, version in rows}


def stored_values(session: Session, entry_ids: Sequence[int], column: Column) -> dict[int, Stored]:
    """Each entry's `column` and updated_at, by id: what a change is about to replace."""
    attribute = _COLUMNS[column]
    found: dict[int, Stored] = {}
    for start in range(0, len(entry_ids), CHUNK):
        query = select(EntryRow.id, attribute, EntryRow.updated_at).where(
            EntryRow.id.in_(entry_ids[start : start + CHUNK])
        )
        for entry_id, value, updated in session.execute(query):
            found[int(entry_id)] = (_read(column, value), aware(updated))
    return found


def set_value(
    session: Session, entry_ids: Sequence[int], column: Column, value: object, *, now: dt.datetime | None
) -> None:
    """Writes one value to `column` of every entry (after a claim); `now`, when given, becomes their updated_at."""
    values: dict[str, Any] = {column: _stored(column, value)}
    if now is not None:
        values["updated_at"] = naive_utc(now)
    for start in range(0, len(entry_ids), CHUNK):
        statement = update(EntryRow).where(EntryRow.id.in_(entry_ids[start : start + CHUNK])).values(values)
        session.execute(statement, execution_options={"synchronize_session": False})


def put_back(session: Session, column: Column, values: Mapping[int, Stored]) -> None:
    """Writes back each entry's own `column` and updated_at, as `stored_values` read them (after a claim)."""
    if not values:
        return
    rows = [
        {"id": entry_id, column: _stored(column, value), "updated_at": naive_utc(updated)}
        for entry_id, (value, updated) in values.items()
    ]
    # By primary key, as one executemany.
    session.execute(update(EntryRow), rows, execution_options={"synchronize_session": False})


def add_tag(session: Session, entry_ids: Sequence[int], tag: str, *, now: dt.datetime) -> None:
    """Tags the entries (which lack the tag: the caller claimed only those) with `tag`."""
    (row,) = tags_for(session, [tag])
    session.flush()  # a new tag gets its id
    if entry_ids:
        session.execute(insert(entry_tags), [{"entry_id": i, "tag_id": row.id} for i in entry_ids])
    _touch(session, entry_ids, now)


def remove_tag(session: Session, entry_ids: Sequence[int], tag: str, *, now: dt.datetime) -> None:
    """Takes `tag` off the entries; the tag itself stays, as when one entry drops it."""
    tag_id = select(TagRow.id).where(TagRow.name == tag).scalar_subquery()
    for start in range(0, len(entry_ids), CHUNK):
        session.execute(
            delete(entry_tags).where(
                entry_tags.c.entry_id.in_(entry_ids[start : start + CHUNK]), entry_tags.c.tag_id == tag_id
            )
        )
    _touch(session, entry_ids, now)


def put_back_updated(session: Session, updated: Mapping[int, dt.datetime]) -> None:
    """Each entry's updated_at as it was before a tag was added or removed."""
    rows = [{"id": entry_id, "updated_at": naive_utc(moment)} for entry_id, moment in updated.items()]
    if rows:
        session.execute(update(EntryRow), rows, execution_options={"synchronize_session": False})


def updated_moments(session: Session, entry_ids: Sequence[int]) -> dict[int, dt.datetime]:
    """Each entry's updated_at, by id."""
    found: dict[int, dt.datetime] = {}
    for start in range(0, len(entry_ids), CHUNK):
        query = select(EntryRow.id, EntryRow.updated_at).where(EntryRow.id.in_(entry_ids[start : start + CHUNK]))
        found.update((int(entry_id), aware(updated)) for entry_id, updated in session.execute(query))
    return found


def _touch(session: Session, entry_ids: Sequence[int], now: dt.datetime) -> None:
    for start in range(0, len(entry_ids), CHUNK):
        statement = (
            update(EntryRow).where(EntryRow.id.in_(entry_ids[start : start + CHUNK]))
            .values(updated_at=naive_utc(now))
        )  # fmt: skip
        session.execute(statement, execution_options={"synchronize_session": False})


def _stored(column: Column, value: object) -> object:
    """The store keeps naive UTC times; records carry aware ones."""
    if column == "trashed_at" and isinstance(value, dt.datetime):
        return naive_utc(value)
    return value


def _read(column: Column, value: object) -> object:
    if column == "trashed_at" and isinstance(value, dt.datetime):
        return aware(value)
    return value
