"""Scratch files of one export: private temporary SQLite databases, deleted when closed.

A whole-site export goes through every summary more than once and lists every excerpt after
the pages; held in memory, those grow with the site (~1 KB an entry at 100,000 entries). Here
they wait on disk, and memory holds only SQLite's small page cache. Each is used from the
thread that made it, like the export.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from typing import overload

from fieldnotes_desktop.records import EntrySummary

_READ = 500  # records unpickled at a time when a shelf is read through


def _private() -> sqlite3.Connection:
    db = sqlite3.connect("", isolation_level=None)  # "": a temporary file, gone on close
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
    return db


class Shelf(Sequence[EntrySummary]):
    """Entries in the order given, each read back from disk when it is asked for.

    Used from the thread that made it, like the export.
    """

    def __init__(self, entries: Iterable[EntrySummary]) -> None:
        self._db = _private()
        self._db.execute(
            "CREATE TABLE shelf (pos INTEGER PRIMARY KEY, uuid TEXT NOT NULL, slug TEXT NOT NULL, data BLOB NOT NULL)"
        )
        count = 0
        with self._db:
            self._db.execute("BEGIN")
            rows = []
            for entry in entries:
                rows.append((count, entry.uuid, entry.slug, _dumps(entry)))
                count += 1
                if len(rows) == _READ:
                    self._db.executemany("INSERT INTO shelf VALUES (?, ?, ?, ?)", rows)
                    rows.clear()
            self._db.executemany("INSERT INTO shelf VALUES (?, ?, ?, ?)", rows)
        self._db.executescript("CREATE INDEX shelf_uuid ON shelf (uuid); CREATE INDEX shelf_slug ON shelf (slug)")
        self._len = count

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> EntrySummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[EntrySummary]: ...

    def __getitem__(self, index: int | slice) -> EntrySummary | list[EntrySummary]:
        if isinstance(index, slice):
            return self.at(range(*index.indices(self._len)))
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        (data,) = self._db.execute("SELECT data FROM shelf WHERE pos = ?", (index,)).fetchone()
        return _loads(data)

    def __iter__(self) -> Iterator[EntrySummary]:
        for start in range(0, self._len, _READ):
            rows = self._db.execute(
                "SELECT data FROM shelf WHERE pos >= ? AND pos < ? ORDER BY pos", (start, start + _READ)
            )
            yield from (_loads(data) for (data,) in rows)

    def at(self, positions: Sequence[int]) -> list[EntrySummary]:
        """The entries at `positions`, in that order."""
        found = {
            pos: data
            for pos, data in self._db.execute(
                "SELECT pos, data FROM shelf WHERE pos IN (SELECT value FROM json_each(?))", (json.dumps(list(positions)),)
            )
        }
        return [_loads(found[pos]) for pos in positions]

    def find_uuid(self, uuid: str) -> tuple[int, str] | None:
        """The position and slug of the entry `uuid`, or None."""
        row = self._db.execute("SELECT pos, slug FROM shelf WHERE uuid = ?", (uuid,)).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def position_of_slug(self, slug: str) -> int | None:
        row = self._db.execute("SELECT pos FROM shelf WHERE slug = ?", (slug,)).fetchone()
        return None if row is None else int(row[0])

    def positions_by_slug(self) -> array[int]:
        """Every position, the entries' slugs in order (as `sorted(key=slug)` would, ties by position)."""
        return array("I", (pos for (pos,) in self._db.execute("SELECT pos FROM shelf ORDER BY slug, pos")))

    def close(self) -> None:
        self._db.close()


class Excerpts(MutableMapping[int, str]):
    """Entry id → the excerpt of its page, kept until the lists that show them are written."""

    def __init__(self) -> None:
        self._db = _private()
        self._db.execute("CREATE TABLE excerpts (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")

    def __setitem__(self, entry_id: int, text: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO excerpts VALUES (?, ?)", (entry_id, text))

    def __getitem__(self, entry_id: int) -> str:
        row = self._db.execute("SELECT text FROM excerpts WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise KeyError(entry_id)
        return str(row[0])

    def __delitem__(self, entry_id: int) -> None:
        if self._db.execute("DELETE FROM excerpts WHERE id = ?", (entry_id,)).rowcount == 0:
            raise KeyError(entry_id)

    def __iter__(self) -> Iterator[int]:
        return (entry_id for (entry_id,) in self._db.execute("SELECT id FROM excerpts ORDER BY id"))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM excerpts").fetchone()[0])

    def close(self) -> None:
        self._db.close()


# A record goes in as the tuple of its fields: unpickling the dataclass itself went through its
# `__setstate__` in Python, three times slower than building it from the tuple.
_FIELDS = tuple(EntrySummary.__dataclass_fields__)


def _dumps(entry: EntrySummary) -> bytes:
    return pickle.dumps(tuple(getattr(entry, name) for name in _FIELDS), pickle.HIGHEST_PROTOCOL)


def _loads(data: bytes) -> EntrySummary:
    return EntrySummary(*pickle.loads(data))  # noqa: S301 - our own records, written moments ago
