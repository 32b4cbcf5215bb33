"""The export's shelf of summaries reads back as the list it was made from, and its picks as the lists they replace."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from fieldnotes_desktop.export.context import MORE_LINKS, Catalog, Numbers, more_field_notes
from fieldnotes_desktop.export.shelf import Chained, Picked, Shelf, by_slug, newest_first
from fieldnotes_desktop.records import DRAFT, FINISHED, EntrySummary, SiteProfile

UTC = dt.timezone.utc


def summaries(count: int, seed: int = 7) -> list[EntrySummary]:
    rng = random.Random(seed)
    made = [
        EntrySummary(
            id=n + 1, uuid=f"uuid-{n:05d}", title=f"Entry {n} «ß»", slug=f"slug-{rng.randrange(10**6):06d}-{n}",
            status=FINISHED if n % 4 else DRAFT, category=("Alps", "", "Tatra")[n % 3],
            date=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(60)), volume=(None, 1, 2, 3, None)[n % 5],
            elevation_m=None if n % 2 else 1000 + n, tags=tuple(sorted({f"t{n % 5}", f"u{n % 3}"})),
            summary="" if n % 3 else "A summary.", words=100 + n, reading_minutes=None,
            created_at=dt.datetime(2024, 1, 1, tzinfo=UTC), updated_at=dt.datetime(2024, 2, 1, n % 24, tzinfo=UTC),
            version=1, trashed_at=None,
        )  # fmt: skip
        for n in range(count)
    ]
    return sorted(made, key=lambda e: (e.date, e.id))  # as the export reads them


@pytest.fixture
def entries() -> list[EntrySummary]:
    return summaries(1234)  # more than one batch of reads


def test_a_shelf_reads_back_as_the_list(entries: list[EntrySummary]) -> None:
    shelf = Shelf(iter(entries))
    try:
        assert len(shelf) == len(entries)
        assert list(shelf) == entries
        assert shelf[0] == entries[0] and shelf[-1] == entries[-1] and shelf[617] == entries[617]
        assert shelf[10:20] == entries[10:20] and shelf[1200:] == entries[1200:]
        with pytest.raises(IndexError):
            shelf[len(entries)]
        assert shelf.find_uuid(entries[5].uuid) == (5, entries[5].slug)
        assert shelf.find_uuid("nobody") is None
        assert shelf.position_of_slug(entries[9].slug) == 9
    finally:
        shelf.close()


def test_picks_stand_for_the_lists_they_replace(entries: list[EntrySummary]) -> None:
    shelf = Shelf(entries)
    try:
        finished = Picked(shelf, (i for i, e in enumerate(shelf) if e.status == FINISHED))
        expected = [e for e in entries if e.status == FINISHED]
        assert list(finished) == expected and len(finished) == len(expected)
        assert finished[3] == expected[3] and finished[:5] == expected[:5]
        newest = sorted(expected, key=lambda e: (e.date, e.id), reverse=True)
        assert list(newest_first(finished)) == newest
        assert list(newest_first(shelf)) == sorted(entries, key=lambda e: (e.date, e.id), reverse=True)
        assert list(by_slug(finished)) == sorted(expected, key=lambda e: e.slug)
        assert list(by_slug(shelf)) == sorted(entries, key=lambda e: e.slug)
        # and a plain list is handled the plain way
        assert list(newest_first(expected)) == newest
        assert list(by_slug(expected)) == sorted(expected, key=lambda e: e.slug)
    finally:
        shelf.close()


def test_chained_sequences_read_as_one() -> None:
    chained = Chained([1, 2], [], [3], [4, 5, 6])
    assert list(chained) == [1, 2, 3, 4, 5, 6] and len(chained) == 6
    assert chained[2] == 3 and chained[-1] == 6 and chained[1:4] == [2, 3, 4]
    with pytest.raises(IndexError):
        chained[6]


def test_numbers_count_each_volume_from_its_oldest(entries: list[EntrySummary]) -> None:
    finished = [e for e in entries if e.status == FINISHED]
    numbers = Numbers(reversed(finished))  # in any order
    by_volume: dict[int, list[EntrySummary]] = {}
    for e in sorted(finished, key=lambda e: (e.date, e.id)):
        if e.volume is not None:
            by_volume.setdefault(e.volume, []).append(e)
    expected = {e.id: (i + 1, len(members)) for members in by_volume.values() for i, e in enumerate(members)}
    assert dict(numbers) == expected
    unnumbered = next(e for e in finished if e.volume is None)
    assert numbers.get(unnumbered.id) is None and unnumbered.id not in numbers


def test_the_catalog_keeps_only_what_more_field_notes_reaches(entries: list[EntrySummary]) -> None:
    site = SiteProfile()
    catalog = Catalog.of(site, entries, {}, {})
    finished = sorted((e for e in entries if e.status == FINISHED), key=lambda e: (e.date, e.id), reverse=True)
    assert len(catalog.newest) == 2 * MORE_LINKS + 1
    for entry in finished[:40] + finished[-5:]:
        same = [e for e in finished if e.category == entry.category] if entry.category else []
        assert catalog.surroundings(entry).more == tuple(more_field_notes(entry.id, same, finished))
