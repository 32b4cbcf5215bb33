"""The SQL of a site folder's own records: the manifest of what the last export wrote, and the journal of the next one.

Both are SQLite files of one schema (export/journal.py says where they live and when each
becomes the other), read and written a row at a time: a site of 100,000 pages has a manifest
of a few tens of megabytes, which held as dictionaries (the JSON manifest of format 1, read
whole and written whole) weighed more than the rest of the export.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

FORMAT = 2  # the records' `user_version`; format 1 was `site.json` and `journal.json`

SCHEMA = f"""
CREATE TABLE pages (
    path TEXT PRIMARY KEY,  -- site path of a file the export wrote
    sha256 TEXT NOT NULL,  -- of its bytes
    inputs TEXT,  -- digest of everything the page was made from, when a later export may keep it
    excerpt TEXT NOT NULL DEFAULT ''  -- the kept page's excerpt, which still feeds the lists
) WITHOUT ROWID;
CREATE TABLE entries (uuid TEXT PRIMARY KEY, path TEXT NOT NULL) WITHOUT ROWID;  -- entry → its page
CREATE TABLE redirects (path TEXT PRIMARY KEY, uuid TEXT NOT NULL) WITHOUT ROWID;  -- old address → entry
-- The journal's own: staged file `seq` goes to `path`; `removals` leave the site.
CREATE TABLE renames (seq INTEGER PRIMARY KEY, path TEXT NOT NULL);
CREATE TABLE removals (path TEXT PRIMARY KEY) WITHOUT ROWID;
PRAGMA user_version = {FORMAT};
"""
_TABLES = ("pages", "entries", "redirects")


def open_records(path: Path) -> sqlite3.Connection | None:
    """A connection to a manifest or journal of this format, or None for a missing, torn or foreign file."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(path, isolation_level=None)
        if db.execute("PRAGMA user_version").fetchone() == (FORMAT,):
            return db
        db.close()
    except sqlite3.Error:
        pass  # torn or not ours: as if it were not there
    return None


def new_records(path: Path | str, legacy: object = None) -> sqlite3.Connection:
    """A fresh file of this schema at `path` (":memory:" too), holding a format-1 manifest's records if given."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SCHEMA)
    if isinstance(legacy, dict) and legacy.get("format") == 1:
        _fill_from_legacy(db, legacy)
    return db


def _fill_from_legacy(db: sqlite3.Connection, data: Mapping[str, object]) -> None:
    def strings(name: str) -> dict[str, str]:
        value = data.get(name)
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    inputs, excerpts = strings("inputs"), strings("excerpts")
    with db:
        db.executemany(
            "INSERT INTO pages VALUES (?, ?, ?, ?)",
            ((p, sha, inputs.get(p), excerpts.get(p, "")) for p, sha in strings("files").items()),
        )
        db.executemany("INSERT INTO entries VALUES (?, ?)", strings("entries").items())
        db.executemany("INSERT INTO redirects VALUES (?, ?)", strings("redirects").items())


class Records(Mapping[str, str]):
    """One column of a manifest table by its key, read from the file as it is asked for."""

    def __init__(self, db: sqlite3.Connection | None, table: str, key: str, value: str) -> None:
        self._db, self._table, self._key, self._value = db, table, key, value
        self._blank = " AND excerpt != ''" if value == "excerpt" else ""  # no excerpt recorded

    def __getitem__(self, key: str) -> str:
        row = None if self._db is None else self._db.execute(
            f"SELECT {self._value} FROM {self._table} WHERE {self._key} = ? AND {self._value} IS NOT NULL{self._blank}",
            (key,),
        ).fetchone()
        if row is None:
            raise KeyError(key)
        return str(row[0])

    def __iter__(self) -> Iterator[str]:
        return (key for key, _value in self.items())

    def items(self) -> Iterator[tuple[str, str]]:  # type: ignore[override]  # a stream, not a view
        if self._db is None:
            return iter(())
        rows = self._db.execute(
            f"SELECT {self._key}, {self._value} FROM {self._table}"
            f" WHERE {self._value} IS NOT NULL{self._blank} ORDER BY 1"
        )
        return ((str(k), str(v)) for k, v in rows)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def page(db: sqlite3.Connection, path: str) -> tuple[str, str | None, str] | None:
    """The sha256, inputs and excerpt recorded for `path`, or None."""
    row = db.execute("SELECT sha256, inputs, excerpt FROM pages WHERE path = ?", (path,)).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def moves(db: sqlite3.Connection) -> tuple[list[tuple[int, str]], Iterator[str]]:
    """A journal's renames (staged file number, site path) in order, and its removals."""
    renames = [(int(seq), str(path)) for seq, path in db.execute("SELECT seq, path FROM renames ORDER BY seq")]
    return renames, (str(path) for (path,) in db.execute("SELECT path FROM removals"))


class JournalRecords:
    """The journal of one export, filled as its files are staged, in one transaction until `close(keep=True)`."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        # Unfinished, the file is garbage whatever happens to it: no rollback journal, no syncs
        # until it is complete (the writer makes it durable before naming it done).
        self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        self._db.execute("BEGIN")

    def add_page(self, path: str, sha256: str, inputs: str | None, excerpt: str) -> None:
        self._db.execute("INSERT INTO pages VALUES (?, ?, ?, ?)", (path, sha256, inputs, excerpt))

    def add_rename(self, seq: int, path: str) -> None:
        self._db.execute("INSERT INTO renames VALUES (?, ?)", (seq, path))

    def has_page(self, path: str) -> bool:
        return self._db.execute("SELECT 1 FROM pages WHERE path = ?", (path,)).fetchone() is not None

    def finish(
        self,
        entries: Iterable[tuple[str, str]],
        redirects: Iterable[tuple[str, str]],
        previous: Path | None,
        *,
        whole_site: bool,
    ) -> tuple[tuple[str, ...], bool]:
        """Records this run's entries and redirects, and what leaves the site (`previous`: the last
        manifest). Returns the removals, and whether the records equal the last manifest's."""
        db = self._db
        db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", entries)
        db.executemany("INSERT OR REPLACE INTO redirects VALUES (?, ?)", redirects)
        if previous is None:
            empty = not any(db.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0] for t in _TABLES)
            return (), empty
        db.execute("ATTACH ? AS old", (str(previous),))
        if whole_site:
            db.execute("INSERT INTO removals SELECT path FROM old.pages EXCEPT SELECT path FROM main.pages")
        else:  # a partial export keeps the rest of the last one's records, its own first
            db.execute(
                "INSERT OR IGNORE INTO redirects SELECT path, uuid FROM old.redirects"
                " WHERE path NOT IN (SELECT path FROM main.pages)"
            )
            db.execute("INSERT OR IGNORE INTO pages SELECT * FROM old.pages")
            db.execute("INSERT OR IGNORE INTO entries SELECT * FROM old.entries")
        removed = tuple(path for (path,) in db.execute("SELECT path FROM removals ORDER BY path"))
        same = not any(
            db.execute(
                f"SELECT EXISTS (SELECT * FROM main.{t} EXCEPT SELECT * FROM old.{t})"
                f" OR EXISTS (SELECT * FROM old.{t} EXCEPT SELECT * FROM main.{t})"
            ).fetchone()[0]
            for t in _TABLES
        )
        return removed, same

    def close(self, *, keep: bool) -> None:
        """Commits (`keep`) or drops what was recorded, and closes the file."""
        if keep:
            self._db.execute("COMMIT")
        self._db.close()
