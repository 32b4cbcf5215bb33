"""Searches and lists a Field Notes database with the standard sqlite3 module alone, for
`fieldnotes search` and `fieldnotes list`, and for the window's first screen.

SQLAlchemy takes a quarter of a second to import, most of what a search from the command line
costs; and its row processing took most of `list --json` at 100,000 entries (2.8 s). This path reads the file read-only (`mode=ro`), and only when it is surely ours and at
the current schema revision; on any doubt (another program's file, an older or newer revision,
a lock, damage, a -wal left without its -shm) it answers None, and the caller opens the store
as always, which refuses or reads the file with the sentences a writer knows. The queries are
the store's own (`store/search.py`); tests/cli/test_cli_plain_read.py holds both paths to the
same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from sys import intern
from typing import Any, NamedTuple

from fieldnotes_desktop.errors import FieldnotesError
from fieldnotes_desktop.records import Entry, EntrySummary, SearchHit
from fieldnotes_desktop.store import identity
from fieldnotes_desktop.store import search as fts
from fieldnotes_desktop.store.schema_revisions import revisions

UTC = dt.timezone.utc

# EntrySummary's fields but its tags, in its order; the tags are read apart.
_COLUMNS = (
    "SELECT id, uuid, title, slug, status, category, date, volume, elevation_m, summary, words, "
    "reading_minutes, created_at, updated_at, version, trashed_at FROM entries "
)
_SUMMARY = _COLUMNS + "WHERE id IN (SELECT value FROM json_each(?))"
# `repository.iter_summaries` with no filter but the status, in its order (the listing index's).
_LISTING = _COLUMNS + "WHERE trashed_at IS NULL{status} ORDER BY trashed_at, date DESC, id DESC"
LIST_BATCH = 1000
_TAGS = (
    "SELECT entry_tags.entry_id, tags.name FROM entry_tags JOIN tags ON tags.id = entry_tags.tag_id "
    "WHERE entry_tags.entry_id IN (SELECT value FROM json_each(?))"
)


def search_file(path: Path, text: str, limit: int = 50) -> list[SearchHit] | None:
    """What `EntryService.search(text, limit)` returns for the database at `path` (the trash left
    out), or None when this path is not sure it may read the file: then the store must."""
    if not text.strip():
        return []
    try:
        with _reader(path) as db:
            if db is None:
                return None
            return fts.first_reading(text, lambda match: _hits(db, match, limit))
    except (sqlite3.Error, OSError, FieldnotesError):
        # Locked, damaged, or changed under us: the store's own open says which, in one sentence.
        return None


def list_file(path: Path, status: str | None = None) -> Iterator[EntrySummary] | None:
    """What `EntryService.stream_summaries(EntryFilter(status=status))` yields for the database
    at `path`, a batch at a time from one snapshot; None when this path may not read the file."""
    stack = contextlib.ExitStack()
    try:
        db = stack.enter_context(_reader(path))
    except (sqlite3.Error, OSError, FieldnotesError):
        stack.close()
        return None
    if db is None:
        stack.close()
        return None
    return _listing(stack, db, status)


def summaries_by_date(db: sqlite3.Connection) -> Iterator[EntrySummary]:
    """Every entry outside the trash, oldest first by (date, id), a batch at a time (the export's read)."""
    cursor = db.execute(_COLUMNS + "WHERE trashed_at IS NULL ORDER BY date, id")
    while rows := cursor.fetchmany(LIST_BATCH):
        yield from _summaries_of(db, rows)


def bodies_by_id(db: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    """The bodies of the entries `ids` that still exist."""
    rows = db.execute("SELECT id, body FROM entries WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))
    return dict(rows.fetchall())


def old_addresses(db: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Entry uuid → the old addresses it was given (entries outside the trash that have some)."""
    rows = db.execute("SELECT uuid, aliases FROM entries WHERE aliases != '' AND trashed_at IS NULL")
    return {uuid: tuple(aliases.split("\n")) for uuid, aliases in rows}


def page_extras(db: sqlite3.Connection) -> dict[int, tuple[str, str, str]]:
    """Entry id → (cover, author, published_time), for the entries outside the trash that have any."""
    rows = db.execute(
        "SELECT id, cover, author, published_time FROM entries "
        "WHERE (cover != '' OR author != '' OR published_time != '') AND trashed_at IS NULL"
    )
    return {entry_id: (cover, author, time) for entry_id, cover, author, time in rows}


def _listing(stack: contextlib.ExitStack, db: sqlite3.Connection, status: str | None) -> Iterator[EntrySummary]:
    with stack:
        cursor = db.execute(_LISTING.format(status=" AND status = ?" if status else ""), (status,) if status else ())
        while rows := cursor.fetchmany(LIST_BATCH):
            yield from _summaries_of(db, rows)


class FirstLook(NamedTuple):
    """What a window shows first, read from one snapshot before its store opens."""

    page: list[EntrySummary]  # the first entries of the list, newest first, the trash left out
    total: int  # every entry outside the trash
    entry: Entry | None  # the one asked for, else the newest; None when all are in the trash


# `repository.list_summaries` with no filter, in its order (the listing index's).
_FIRST_PAGE = "SELECT id FROM entries WHERE trashed_at IS NULL ORDER BY trashed_at, date DESC, id DESC LIMIT ?"


def first_look(path: Path, entry_id: int | None, page_size: int) -> FirstLook | None:
    """The list's first page and the entry to open, read with the sqlite3 module alone.

    Answered only when opening the file for writing can neither refuse nor upgrade it: ours, at
    the head revision, readable at once (the checks of `_reader`), and holding an entry at
    all. Otherwise None, and the caller opens the store first as always: it refuses the file,
    or upgrades it, or waits out a lock, or writes a first run's welcome entry, with the
    sentences a writer knows.
    """
    try:
        with _reader(path) as db:
            return None if db is None else _first_look(db, entry_id, page_size)
    except (sqlite3.Error, OSError, FieldnotesError):
        return None


def _first_look(db: sqlite3.Connection, entry_id: int | None, page_size: int) -> FirstLook | None:
    (total,) = db.execute("SELECT count(*) FROM entries WHERE trashed_at IS NULL").fetchone()
    if not total and db.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is None:
        return None  # a first run: the welcome entry is written through the store
    ids = [row[0] for row in db.execute(_FIRST_PAGE, (page_size,))]
    summaries = summaries_by_id(db, ids)
    page = [summaries[i] for i in ids]

    def entry(wanted: int) -> Entry | None:
        found = db.execute(
            "SELECT body, language, word_goal, cover, author, aliases, published_time FROM entries WHERE id = ?",
            (wanted,),
        ).fetchone()
        if found is None:
            return None  # deleted since the window last showed it
        summary = summaries.get(wanted) or summaries_by_id(db, [wanted])[wanted]
        return Entry(
            **{name: getattr(summary, name) for name in EntrySummary.__dataclass_fields__},
            body=found[0], language=found[1], word_goal=found[2], cover=found[3], author=found[4],
            aliases=tuple(found[5].split("\n")) if found[5] else (), published_time=found[6],
        )

    opened = entry(entry_id) if entry_id is not None else None
    if opened is None or opened.trashed:
        opened = entry(ids[0]) if ids else None
    return FirstLook(page, total, opened)


@contextlib.contextmanager
def _reader(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection inside one read transaction, or None when the file is not surely
    ours at the current revision, or could only be read by creating files beside it."""
    try:
        empty = path.stat().st_size == 0
    except OSError:
        empty = True  # missing, or not to be read: the store says which
    if empty:
        yield None
        return
    header = identity.read_header(path)
    wal_without_shm = (
        identity.is_wal_mode(header)
        and identity.wal_has_frames(path)
        and not identity.sibling(path, "-shm").exists()
    )
    if not header.startswith(identity.SQLITE_MAGIC) or wal_without_shm:
        yield None
        return
    # No busy timeout: a lock sends the search to the store, which waits as it always has.
    with contextlib.closing(sqlite3.connect(identity.read_only_uri(path, header), uri=True, timeout=0)) as db:
        db.execute("BEGIN")  # one snapshot for the matches and their summaries
        yield db if _current(db) else None


def _current(db: sqlite3.Connection) -> bool:
    """True when the file carries our application id and records exactly the head revision."""
    (application_id,) = db.execute("PRAGMA application_id").fetchone()
    if application_id != identity.APPLICATION_ID:
        return False
    has_version = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if has_version is None:
        return False
    _known, head = revisions()
    return db.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]


def _hits(db: sqlite3.Connection, match: str, limit: int) -> list[SearchHit]:
    found = fts.run_on(db, match, limit, include_trashed=False)
    summaries = summaries_by_id(db, [m.entry_id for m in found])
    return [
        SearchHit(entry=summaries[m.entry_id], snippet=fts.snippet_html(m.snippet), rank=m.rank)
        for m in found
        if m.entry_id in summaries
    ]


def summaries_by_id(db: sqlite3.Connection, ids: Sequence[int]) -> dict[int, EntrySummary]:
    """The summaries of these entries that still exist, by id (`repository.summaries_by_id`'s, read plainly)."""
    wanted = json.dumps(list(ids))
    return {s.id: s for s in _summaries_of(db, db.execute(_SUMMARY, (wanted,)).fetchall())}


def _summaries_of(db: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> list[EntrySummary]:
    """Records of rows of `_COLUMNS`, their tags read in one query."""
    tags: dict[int, list[str]] = {}
    for entry_id, name in db.execute(_TAGS, (json.dumps([r[0] for r in rows]),)):
        tags.setdefault(entry_id, []).append(name)
    none: tuple[str, ...] = ()
    # Names that repeat from entry to entry are kept once (an export holds every summary).
    return [
        EntrySummary(
            id=r[0], uuid=r[1], title=r[2], slug=r[3], status=intern(r[4]), category=intern(r[5]),
            date=dt.date.fromisoformat(r[6]), volume=r[7], elevation_m=r[8],
            tags=tuple(sorted(map(intern, tags[r[0]]))) if r[0] in tags else none, summary=r[9], words=r[10],
            reading_minutes=r[11], created_at=_utc(r[12]), updated_at=_utc(r[13]), version=r[14],
            trashed_at=None if r[15] is None else _utc(r[15]),
        )  # fmt: skip
        for r in rows
    ]


def _utc(stored: str) -> dt.datetime:
    """A DateTime column as SQLAlchemy stores it on SQLite (naive UTC, ISO text), made aware."""
    return dt.datetime.fromisoformat(stored).replace(tzinfo=UTC)
