"""Reading entries and their revisions as records; every function takes the caller's session."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from sys import intern
from typing import Any, Literal, TypedDict, TypeVar, cast, overload

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer

from fieldnotes_desktop.errors import NotFoundError
from fieldnotes_desktop.records import Entry, EntryFilter, EntrySummary, Revision, SearchHit
from fieldnotes_desktop.store import plain_read
from fieldnotes_desktop.store import search as fts
from fieldnotes_desktop.store.models import EntryRow, RevisionRow, TagRow, entry_tags

UTC = dt.timezone.utc
_T = TypeVar("_T")
CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit


@overload
def aware(value: dt.datetime) -> dt.datetime: ...
@overload
def aware(value: dt.datetime | None) -> dt.datetime | None: ...
def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite keeps naive UTC; records carry aware datetimes."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


class _SummaryFields(TypedDict):
    """EntrySummary's fields by name, so that mypy checks `EntrySummary(**fields)`."""

    id: int
    uuid: str
    title: str
    slug: str
    status: str
    category: str
    date: dt.date
    volume: int | None
    elevation_m: int | None
    tags: tuple[str, ...]
    summary: str
    words: int
    reading_minutes: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    trashed_at: dt.datetime | None


def _summary_fields(row: EntryRow) -> _SummaryFields:
    return _SummaryFields(
        id=row.id,
        uuid=row.uuid,
        title=row.title,
        slug=row.slug,
        status=row.status,
        category=row.category,
        date=row.date,
        volume=row.volume,
        elevation_m=row.elevation_m,
        # Sorted here too: tags just assigned in this session are still in the writer's order,
        # while the relationship loads them by name; a record must not depend on which it was.
        tags=tuple(sorted(tag.name for tag in row.tags)),
        summary=row.summary,
        words=row.words,
        reading_minutes=row.reading_minutes,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
        trashed_at=aware(row.trashed_at),
    )


# The summary's columns in EntrySummary's order (its tags come after elevation_m), read as plain
# rows: building ORM objects (and their tag collections) cost more than the query for a page of
# search hits, and a whole listing's worth cannot be held.
_SUMMARY_COLUMNS = (
    EntryRow.id, EntryRow.uuid, EntryRow.title, EntryRow.slug, EntryRow.status, EntryRow.category,
    EntryRow.date, EntryRow.volume, EntryRow.elevation_m, EntryRow.summary, EntryRow.words,
    EntryRow.reading_minutes, EntryRow.created_at, EntryRow.updated_at, EntryRow.version,
    EntryRow.trashed_at,
)  # fmt: skip


def _tags_of(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {}
    for start in range(0, len(ids), CHUNK):
        query = (
            select(entry_tags.c.entry_id, TagRow.name)
            .join(TagRow, TagRow.id == entry_tags.c.tag_id)
            .where(entry_tags.c.entry_id.in_(ids[start : start + CHUNK]))
        )
        for entry_id, name in session.execute(query):
            tags.setdefault(entry_id, []).append(name)
    return tags


def _summaries_of(session: Session, rows: Sequence[Sequence[Any]]) -> list[EntrySummary]:
    """Records of rows of `_SUMMARY_COLUMNS`, their tags read in one query per CHUNK."""
    tags = _tags_of(session, [row[0] for row in rows])
    none: tuple[str, ...] = ()
    # Positional and without `aware()` for the NOT NULL times: `list --json` makes 100,000 of these.
    # Status, category and tag names repeat from entry to entry: an export holding every summary
    # keeps each of them once (~200 bytes an entry).
    return [
        EntrySummary(
            r[0], r[1], r[2], r[3], intern(r[4]), intern(r[5]), r[6], r[7], r[8],
            tuple(sorted(map(intern, tags[r[0]]))) if r[0] in tags else none, r[9], r[10], r[11],
            r[12].replace(tzinfo=UTC), r[13].replace(tzinfo=UTC), r[14],
            None if r[15] is None else r[15].replace(tzinfo=UTC),
        )  # fmt: skip
        for r in rows
    ]


def summaries_by_id(session: Session, ids: Sequence[int]) -> dict[int, EntrySummary]:
    """The summaries of these entries that still exist, by id."""
    rows: list[Sequence[Any]] = []
    for start in range(0, len(ids), CHUNK):
        rows += session.execute(select(*_SUMMARY_COLUMNS).where(EntryRow.id.in_(ids[start : start + CHUNK])))
    return {summary.id: summary for summary in _summaries_of(session, rows)}


def to_summary(row: EntryRow) -> EntrySummary:
    return EntrySummary(**_summary_fields(row))


def to_entry(row: EntryRow) -> Entry:
    return Entry(
        **_summary_fields(row), body=row.body, language=row.language, word_goal=row.word_goal,
        cover=row.cover, author=row.author, aliases=tuple(row.aliases.split("\n")) if row.aliases else (),
        published_time=row.published_time,
    )


def to_revision(row: RevisionRow) -> Revision:
    return Revision(
        id=row.id,
        entry_id=row.entry_id,
        title=row.title,
        body=row.body,
        reason=row.reason,
        created_at=aware(row.created_at),
        words=row.words,
        author=row.author,
    )


def get_row(session: Session, entry_id: int) -> EntryRow:
    row = session.get(EntryRow, entry_id)
    if row is None:
        raise NotFoundError(f"There is no entry number {entry_id}; it may have been deleted.")
    return row


def get_entry(session: Session, entry_id: int) -> Entry:
    return to_entry(get_row(session, entry_id))


def get_entry_by_slug(session: Session, slug: str) -> Entry:
    row = session.scalars(select(EntryRow).where(EntryRow.slug == slug)).one_or_none()
    if row is None:
        raise NotFoundError(f"There is no entry with the slug “{slug}”; `fieldnotes list` shows them.")
    return to_entry(row)


def versions(session: Session, entry_ids: Iterable[int]) -> dict[int, int]:
    """The stored version of each of these entries that still exists, by id (primary-key reads)."""
    wanted = list(dict.fromkeys(entry_ids))
    found: dict[int, int] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        query = select(EntryRow.id, EntryRow.version).where(EntryRow.id.in_(chunk))
        found.update((entry_id, version) for entry_id, version in session.execute(query))
    return found


def slug_taken(session: Session, slug: str, except_id: int | None = None) -> bool:
    query = select(EntryRow.id).where(EntryRow.slug == slug)
    if except_id is not None:
        query = query.where(EntryRow.id != except_id)
    return session.scalars(query.limit(1)).first() is not None


def _filtered(query: Select[_T], entry_filter: EntryFilter) -> Select[_T]:
    if entry_filter.trashed:
        query = query.where(EntryRow.trashed_at.is_not(None))
    else:
        query = query.where(EntryRow.trashed_at.is_(None))
    if entry_filter.status:
        query = query.where(EntryRow.status == entry_filter.status)
    if entry_filter.category:
        query = query.where(EntryRow.category == entry_filter.category)
    if entry_filter.volume is not None:
        query = query.where(EntryRow.volume == entry_filter.volume)
    if entry_filter.tag:
        tagged = (
            select(entry_tags.c.entry_id)
            .join(TagRow, TagRow.id == entry_tags.c.tag_id)
            .where(TagRow.name == entry_filter.tag)
        )
        query = query.where(EntryRow.id.in_(tagged))
    return query


def list_summaries(
    session: Session, entry_filter: EntryFilter, limit: int | None = None, offset: int = 0
) -> list[EntrySummary]:
    query = _filtered(select(EntryRow).options(defer(EntryRow.body)), entry_filter)
    query = query.order_by(EntryRow.trashed_at, EntryRow.date.desc(), EntryRow.id.desc())
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [to_summary(row) for row in session.scalars(query)]


def summaries_in_date_order(session: Session, batch: int = CHUNK) -> Iterator[EntrySummary]:
    """Every entry outside the trash, oldest first by (date, id), `batch` rows at a time."""
    query = select(*_SUMMARY_COLUMNS).where(EntryRow.trashed_at.is_(None)).order_by(EntryRow.date, EntryRow.id)
    for rows in session.execute(query.execution_options(yield_per=batch)).partitions():
        yield from _summaries_of(session, rows)


def iter_summaries(session: Session, entry_filter: EntryFilter, batch: int = CHUNK) -> Iterator[EntrySummary]:
    """Every summary `list_summaries` gives, in its order, read `batch` rows at a time: a listing
    of 100,000 entries never holds more than one batch of them."""
    columns = cast("Select[Any]", select(*_SUMMARY_COLUMNS))  # _filtered keeps the row type
    query = _filtered(columns, entry_filter)
    query = query.order_by(EntryRow.trashed_at, EntryRow.date.desc(), EntryRow.id.desc())
    for rows in session.execute(query.execution_options(yield_per=batch)).partitions():
        yield from _summaries_of(session, rows)


def count_rows(session: Session, entry_filter: EntryFilter) -> int:
    return session.scalar(_filtered(select(func.count(EntryRow.id)), entry_filter)) or 0


@overload
def distinct_values(session: Session, column: Literal["category"]) -> list[str]: ...
@overload
def distinct_values(session: Session, column: Literal["volume"]) -> list[int]: ...
def distinct_values(session: Session, column: Literal["category", "volume"]) -> list[str] | list[int]:
    """The column's distinct values over the entries not in the trash, empty ones left out."""
    attribute = getattr(EntryRow, column)
    # The trash as a set of ids from the listing index, so the column's own index answers the
    # rest: testing `trashed_at` row by row walks every body (270 ms at 100k entries, 25 so).
    trashed = select(EntryRow.id).where(EntryRow.trashed_at.is_not(None))
    empty = [attribute != ""] if column == "category" else []  # PostgreSQL compares no integer with ""
    query = (
        select(attribute)
        .where(EntryRow.id.not_in(trashed), attribute.is_not(None), *empty)
        .distinct()
        .order_by(attribute)
    )
    return list(session.scalars(query).all())


def tag_names(session: Session) -> list[str]:
    used = select(entry_tags.c.tag_id).distinct()
    return list(session.scalars(select(TagRow.name).where(TagRow.id.in_(used)).order_by(TagRow.name)))


def on_server(session: Session) -> bool:
    """True when the session's desk is on a PostgreSQL server (not a file)."""
    return session.get_bind().dialect.name == "postgresql"


def search_rows(
    session: Session, query_text: str, limit: int, include_trashed: bool = False
) -> list[SearchHit]:
    """On a file; `store.searching.search` chooses between this and a server's search."""
    return fts.first_reading(query_text, lambda match: _run_search(session, match, limit, include_trashed))


def _run_search(
    session: Session, match: str, limit: int, include_trashed: bool
) -> list[SearchHit]:
    # On the session's own sqlite3 connection, inside its transaction, with the command line's
    # reads: SQLAlchemy's savepoint and rows cost a third of a search at 100,000 entries. A
    # syntax error in the writer's query fails only that SELECT; the transaction goes on.
    db = cast(sqlite3.Connection, session.connection().connection.driver_connection)
    found = fts.run_on(db, match, limit, include_trashed)
    summaries = plain_read.summaries_by_id(db, [m.entry_id for m in found])
    return [
        SearchHit(entry=summaries[m.entry_id], snippet=fts.snippet_html(m.snippet), rank=m.rank)
        for m in found
        if m.entry_id in summaries
    ]


def latest_revision(session: Session, entry_id: int) -> Revision | None:
    row = session.scalars(
        select(RevisionRow)
        .where(RevisionRow.entry_id == entry_id)
        .order_by(RevisionRow.created_at.desc(), RevisionRow.id.desc())
        .limit(1)
    ).first()
    return to_revision(row) if row is not None else None


def revisions_of(session: Session, entry_id: int) -> list[Revision]:
    """An entry's revisions, newest first; NotFoundError when the entry itself is gone."""
    get_row(session, entry_id)
    rows = session.scalars(
        select(RevisionRow)
        .where(RevisionRow.entry_id == entry_id)
        .order_by(RevisionRow.created_at.desc(), RevisionRow.id.desc())
    )
    return [to_revision(row) for row in rows]


def get_revision(session: Session, revision_id: int) -> Revision:
    row = session.get(RevisionRow, revision_id)
    if row is None:
        raise NotFoundError(f"Revision {revision_id} no longer exists; its entry may have been deleted.")
    return to_revision(row)
