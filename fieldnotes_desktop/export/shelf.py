"""An export's entries kept on disk in (date, id) order, and picks of them by position.

A whole-site export reads every summary first (numbers, lists, archives, the feed and the
sitemap need them all) and then goes through them more than once. Held as records, 100,000
summaries weighed ~65 MB, and every list built from them (archives, volumes, what is left to
build) held more; here they wait in a private temporary database, which SQLite deletes when
it is closed, and the lists hold positions: four bytes an entry.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar, overload

from fieldnotes_desktop.records import EntrySummary

_T = TypeVar("_T")
_READ = 500  # records unpickled at a time when a shelf or a pick is read through


class Shelf(Sequence[EntrySummary]):
    """Entries in the order given, each read back from disk when it is asked for.

    Used from the thread that made it, like the export.
    """

    def __init__(self, entries: Iterable[EntrySummary]) -> None:
        self._db = sqlite3.connect("", isolation_level=None)  # "": a temporary file, gone on close
        self._db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
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


class Picked(Sequence[EntrySummary]):
    """Some entries of a sequence, by their positions in it; read a batch at a time from a `Shelf`."""

    def __init__(self, entries: Sequence[EntrySummary], positions: Iterable[int] = ()) -> None:
        self.entries = entries
        self.positions = positions if isinstance(positions, array) else array("I", positions)

    def append(self, position: int) -> None:
        self.positions.append(position)

    def reversed(self) -> Picked:
        return Picked(self.entries, self.positions[::-1])

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, index: int) -> EntrySummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[EntrySummary]: ...

    def __getitem__(self, index: int | slice) -> EntrySummary | list[EntrySummary]:
        if isinstance(index, slice):
            return self._read(self.positions[index])
        return self.entries[self.positions[index]]

    def __iter__(self) -> Iterator[EntrySummary]:
        for start in range(0, len(self.positions), _READ):
            yield from self._read(self.positions[start : start + _READ])

    def _read(self, positions: Sequence[int]) -> list[EntrySummary]:
        if isinstance(self.entries, Shelf):
            return self.entries.at(positions)
        return [self.entries[pos] for pos in positions]


def newest_first(entries: Sequence[EntrySummary]) -> Sequence[EntrySummary]:
    """`entries` newest first by (date, id): a pick of a shelf (kept oldest first) is only turned round."""
    if isinstance(entries, Picked) and isinstance(entries.entries, Shelf):
        return entries.reversed()
    if isinstance(entries, Shelf):
        return Picked(entries, range(len(entries) - 1, -1, -1))
    return sorted(entries, key=lambda e: (e.date, e.id), reverse=True)


def by_slug(entries: Sequence[EntrySummary]) -> Sequence[EntrySummary]:
    """`sorted(entries, key=slug)`; a shelf, or a pick of one, is ordered by its index of slugs."""
    shelf = entries.entries if isinstance(entries, Picked) else entries
    if not isinstance(shelf, Shelf):
        return sorted(entries, key=lambda e: e.slug)
    order = shelf.positions_by_slug()
    if isinstance(entries, Picked):
        wanted = bytearray(len(shelf))  # a byte a shelved entry, to test membership in order
        for pos in entries.positions:
            wanted[pos] = 1
        order = array("I", (pos for pos in order if wanted[pos]))
    return Picked(shelf, order)


class Chained(Sequence[_T]):
    """Sequences one after another, read through without being joined into one list."""

    def __init__(self, *parts: Sequence[_T]) -> None:
        self._parts = parts

    def __len__(self) -> int:
        return sum(len(part) for part in self._parts)

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> list[_T]: ...

    def __getitem__(self, index: int | slice) -> _T | list[_T]:
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += len(self)
        for part in self._parts:
            if 0 <= index < len(part):
                return part[index]
            index -= len(part)
        raise IndexError(index)

    def __iter__(self) -> Iterator[_T]:
        for part in self._parts:
            yield from part


# A record goes in as the tuple of its fields: unpickling the dataclass itself went through its
# `__setstate__` in Python, three times slower than building it from the tuple.
_FIELDS = tuple(EntrySummary.__dataclass_fields__)


def _dumps(entry: EntrySummary) -> bytes:
    return pickle.dumps(tuple(getattr(entry, name) for name in _FIELDS), pickle.HIGHEST_PROTOCOL)


def _loads(data: bytes) -> EntrySummary:
    return EntrySummary(*pickle.loads(data))  # noqa: S301 - our own records, written moments ago
