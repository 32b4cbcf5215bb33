"""Picks of an export's shelf of entries by position, and the orders the lists want of them.

A whole-site export reads every summary first (numbers, lists, archives, the feed and the
sitemap need them all) and goes through them more than once. Held as records, 100,000
summaries weighed ~65 MB, and every list built from them (archives, volumes, what is left to
build) held more; they wait on a `Shelf` on disk (store/scratch.py), in (date, id) order, and
the lists hold positions: four bytes an entry.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar, overload

from fieldnotes_desktop.records import EntrySummary
from fieldnotes_desktop.store.scratch import Shelf

__all__ = ["Chained", "Picked", "Shelf", "by_slug", "newest_first"]

_T = TypeVar("_T")
_READ = 500  # records unpickled at a time when a shelf or a pick is read through


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
