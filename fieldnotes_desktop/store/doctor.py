"""Health checks of a database file: damaged pages, broken links, a search index out of step; and the safe repairs."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

SQLITE_CORRUPT_VTAB = 267  # SQLITE_CORRUPT | (1 << 8): FTS5's integrity-check found a difference
_SHADOW_TABLES = ("data", "idx", "docsize", "config")
_TOKENIZE = re.compile(r"tokenize\s*=\s*'((?:[^']|'')*)'", re.IGNORECASE)


@dataclass(frozen=True)
class IntegrityReport:
    """What `PRAGMA quick_check` or `integrity_check` found; `problems` is empty when `ok`."""

    ok: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchIndexReport:
    """How the full-text index compares with the entries (ids of the entries concerned)."""

    ok: bool
    missing: tuple[int, ...] = ()  # entries the index does not know
    stale: tuple[int, ...] = ()  # index rows of entries that no longer exist
    differing: tuple[int, ...] = ()  # entries indexed with other text than they hold
    absent: bool = False  # there is no index table at all

    def summary(self) -> str:
        """What is wrong, as the middle of a sentence: "3 entries were missing, 1 was stale"."""
        if self.absent:
            return "the index table itself is missing"
        parts = []
        if self.missing:
            parts.append(f"{_count(len(self.missing), 'entry was', 'entries were')} missing")
        if self.stale:
            parts.append(f"{len(self.stale)} {'was' if len(self.stale) == 1 else 'were'} stale")
        if self.differing:
            parts.append(f"{len(self.differing)} held old text")
        if not parts and not self.ok:
            parts.append("its words did not match the entries' text")
        return ", ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def quick_check(db: sqlite3.Connection, limit: int = 20) -> IntegrityReport:
    """`PRAGMA quick_check`: every page and b-tree, in seconds even for a large file."""
    return _pragma_check(db, "quick_check", limit)


def integrity_check(db: sqlite3.Connection, limit: int = 100) -> IntegrityReport:
    """`PRAGMA integrity_check`: quick_check plus every index against its table."""
    return _pragma_check(db, "integrity_check", limit)


def _pragma_check(db: sqlite3.Connection, pragma: str, limit: int) -> IntegrityReport:
    try:
        rows = db.execute(f"PRAGMA {pragma}({int(limit)})").fetchall()
    except sqlite3.DatabaseError as exc:
        # A damaged first page or schema stops the check itself: that is its finding.
        return IntegrityReport(False, (str(exc),))
    lines = [
        line.strip()
        for (text,) in rows
        for line in str(text).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    if lines == ["ok"]:
        return IntegrityReport(True)
    return IntegrityReport(False, tuple(lines))


def foreign_key_problems(db: sqlite3.Connection) -> tuple[str, ...]:
    """Rows pointing at rows that do not exist (only possible if foreign keys were ever off)."""
    counts: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fkid in db.execute("PRAGMA foreign_key_check"):
        counts[(str(table), str(parent))] = counts.get((str(table), str(parent)), 0) + 1
    return tuple(
        f"{_count(n, 'row', 'rows')} of {table} {'points' if n == 1 else 'point'} to missing {parent}"
        for (table, parent), n in sorted(counts.items())
    )


def check_search_index(db: sqlite3.Connection) -> SearchIndexReport:
    """Compares the index with the entries on a connection that may write (FTS5's check is an INSERT).

    FTS5's own 'integrity-check' with rank 1 also re-reads the content table: exact, in C, about
    a second for 10,000 long entries. Only when it fails is the difference looked for entry by entry.
    """
    try:
        db.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) != SQLITE_CORRUPT_VTAB:
            raise
        return _differences(db)
    return SearchIndexReport(True)


def check_search_index_of(source_uri: str, timeout: float) -> SearchIndexReport:
    """The same comparison for a database that must not be written: on a copy of its text and index.

    Only the entries' text and the index's tables are copied (not the images), within one read
    transaction of the source, into a temporary file where FTS5 may run its check.
    """
    with tempfile.TemporaryDirectory(prefix="fieldnotes-doctor-") as folder:
        copy_uri = (Path(folder) / "search.db").as_uri()
        with contextlib.closing(sqlite3.connect(copy_uri, uri=True, isolation_level=None)) as db:
            db.execute("ATTACH DATABASE ? AS src", (source_uri,))
            found = db.execute("SELECT sql FROM src.sqlite_master WHERE name = 'entries_fts'").fetchone()
            if found is None:
                return SearchIndexReport(False, absent=True)
            (declaration,) = found
            db.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, title TEXT, summary TEXT, body TEXT)")
            db.execute(declaration)
        # A new connection: the one that created the table may keep the empty index in memory.
        with contextlib.closing(
            sqlite3.connect(copy_uri, uri=True, isolation_level=None, timeout=timeout)
        ) as db:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("ATTACH DATABASE ? AS src", (source_uri,))
            db.execute("BEGIN")  # one snapshot of the source for every table copied
            db.execute("INSERT INTO entries SELECT id, title, summary, body FROM src.entries")
            for shadow in _SHADOW_TABLES:
                db.execute(f"DELETE FROM entries_fts_{shadow}")
                db.execute(f"INSERT INTO entries_fts_{shadow} SELECT * FROM src.entries_fts_{shadow}")
            db.execute("COMMIT")
            db.execute("DETACH DATABASE src")
            return check_search_index(db)


def _differences(db: sqlite3.Connection) -> SearchIndexReport:
    missing = _ids(db, "SELECT id FROM entries WHERE id NOT IN (SELECT id FROM entries_fts_docsize)")
    stale = _ids(db, "SELECT id FROM entries_fts_docsize WHERE id NOT IN (SELECT id FROM entries)")
    return SearchIndexReport(False, missing, stale, _differing(db))


def _differing(db: sqlite3.Connection) -> tuple[int, ...]:
    """Entries whose indexed token counts differ from a fresh tokenisation of their text.

    Text changed without changing any column's number of words escapes this (FTS5's check still
    reports it, as an index that does not match); naming those would mean comparing every word.
    """
    (declaration,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_fts'").fetchone()
    match = _TOKENIZE.search(str(declaration))
    tokenize = match.group(1) if match else "unicode61"  # still quoted for SQL, as declared
    db.execute("DROP TABLE IF EXISTS temp.fieldnotes_probe")
    db.execute(
        "CREATE VIRTUAL TABLE temp.fieldnotes_probe USING fts5(title, summary, body, content='', "
        f"tokenize='{tokenize}')"
    )
    try:
        db.execute(
            "INSERT INTO temp.fieldnotes_probe(rowid, title, summary, body) "
            "SELECT id, title, summary, body FROM main.entries WHERE id IN (SELECT id FROM main.entries_fts_docsize)"
        )
        return _ids(
            db,
            "SELECT d.id FROM main.entries_fts_docsize d JOIN temp.fieldnotes_probe_docsize p ON p.id = d.id "
            "WHERE d.sz IS NOT p.sz",
        )
    finally:
        db.execute("DROP TABLE temp.fieldnotes_probe")


def _ids(db: sqlite3.Connection, query: str) -> tuple[int, ...]:
    return tuple(sorted(int(row[0]) for row in db.execute(query)))


def repair(db: sqlite3.Connection) -> tuple[str, ...]:
    """The repairs that lose nothing, inside the caller's transaction; says what each one fixed.

    The search index holds no text of its own, so rebuilding it from the entries is always
    safe; tag links to entries or tags that are gone carry nothing either. Revisions of a
    missing entry hold text, so they are reported and kept.
    """
    fixed = []
    has_index = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'entries_fts'").fetchone()
    before = check_search_index(db) if has_index else SearchIndexReport(True)
    if not before.ok:
        db.execute("INSERT INTO entries_fts(entries_fts) VALUES('rebuild')")
        fixed.append(f"search index: {before.summary()}; rebuilt")
    links = db.execute(
        "DELETE FROM entry_tags WHERE entry_id NOT IN (SELECT id FROM entries) "
        "OR tag_id NOT IN (SELECT id FROM tags)"
    ).rowcount
    if links > 0:
        fixed.append(f"tags: {_count(links, 'link', 'links')} to a missing entry or tag removed")
    return tuple(fixed)
