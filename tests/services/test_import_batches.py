"""Importing many files: stored a batch at a time, still all or nothing, same entries as one by one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.records import EntryFilter
from fieldnotes_desktop.services import Services, import_batches, import_reading, open_services
from fieldnotes_desktop.services.markdown_files import parse_file

from import_measures import counts, import_peak
from service_clock import ManualClock



def write_posts(folder: Path, count: int, text: str = "Day {n} on the ridge.\n", **front: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        lines = {"title": f"Note {n}", "tags": f"ridge, t{n % 7}", "volume": str(n % 10), **front}
        head = "".join(f"{k}: {v.format(n=n)}\n" for k, v in lines.items())
        path = folder / f"{n:05d}.md"
        path.write_text(f"---\n{head}---\n{text.format(n=n)}", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Batches of 7, so a few dozen files cross many batch boundaries."""
    monkeypatch.setattr(import_batches, "BATCH_FILES", 7)
    return 7


def test_a_few_thousand_files_land_completely(services: Services, tmp_path: Path) -> None:
    write_posts(tmp_path / "posts", 3000)
    report = services.imports.import_paths([tmp_path / "posts"])

    assert len(report.created) == 3000
    assert len({e.id for e in report.created}) == 3000
    assert counts(services) == {"entries": 3000, "tags": 8, "entry_tags": 6000, "entries_fts": 3000, "assets": 0}
    stored = {e.id: e for e in services.entries.list_summaries()}
    assert {e.id: e for e in report.created} == stored
    assert [h.entry.title for h in services.entries.search("Note 2999")][:1] == ["Note 2999"]
    assert services.entries.count(EntryFilter(tag="t3")) == len(range(3, 3000, 7))


def test_batches_store_what_one_entry_at_a_time_stores(
    services: Services, tmp_path: Path, clock: ManualClock, small_batches: int
) -> None:
    # Reserved slugs, slugs taken twice, untitled files, tags with blanks and repeats, a
    # heading as title: each entry must come out as EntryService.create makes it.
    folder = tmp_path / "mixed"
    files = {
        "a.md": "---\ntitle: Now\n---\nx\n",
        "b.md": "---\ntitle: Same\ntags: [' ice ', ice, '', Rock]\n---\nOne two three.\n",
        "c.md": "---\ntitle: Same\nslug: same\nstatus: finished\n---\n",
        "d.md": "# Heading title\n\nBody with ![alt](missing.png) words.\n",
        "2014-11-05-jekyll-name.md": "---\ntitle: J\ncategories: [Travel, Alps]\n---\n```\ncode\n```\nprose\n",
        "e.md": "---\ntitle: Assets\nsummary: '  padded  '\nelevation: 8,200\nreading_minutes: 3\n---\n",
    }
    for n in range(3):  # enough files that the batch of 7 is crossed
        files[f"f{n}.md"] = "---\ntitle: Same\n---\nMore.\n"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")

    imported = services.imports.import_paths([folder]).created

    other = open_services(tmp_path / "one-by-one.db", clock=clock)
    try:
        expected = []
        for path in sorted(folder.iterdir()):
            modified = dt.date.fromtimestamp(path.stat().st_mtime)
            expected.append(other.entries.get(other.entries.create(parse_file(path, path.read_bytes(), modified).fields).id))
    finally:
        other.close()
    got = [services.entries.get(e.id) for e in imported]

    def anonymous(entries: list) -> list:  # type: ignore[type-arg]
        return [dataclasses.replace(e, id=0, uuid="") for e in entries]

    assert anonymous(got) == anonymous(expected)
    assert [e.slug for e in got] == [
        "jekyll-name", "now-2", "same", "same-2", "heading-title", "assets-2", "same-3", "same-4", "same-5",
    ]
    assert got[0].created_at == clock.now
    assert [dataclasses.replace(s, id=0, uuid="") for s in imported] == [
        dataclasses.replace(e.summary_record(), id=0, uuid="") for e in got
    ]


def test_a_bad_file_in_the_middle_of_a_batch_stores_nothing_of_the_run(
    services: Services, tmp_path: Path, small_batches: int
) -> None:
    services.entries.create(dataclasses.replace(parse_file(*_kept(tmp_path)).fields))
    before = counts(services)
    folder = tmp_path / "posts"
    write_posts(folder, 40)  # batches of 7: five are stored before file 00038's batch
    (folder / "00038.md").write_bytes(b"---\ntitle: Broken\ndate: 2025-13-45\n---\nx\n")

    with pytest.raises(ImportFailed) as caught:
        services.imports.import_paths([folder])

    message = str(caught.value)
    assert message.startswith("00038.md: ") and "date" in message
    assert message.endswith("nothing was imported.") and "\n" not in message
    assert counts(services) == before
    assert [e.title for e in services.entries.list_summaries()] == ["Kept"]


def test_a_value_out_of_range_after_stored_batches_stores_nothing(
    services: Services, tmp_path: Path, small_batches: int
) -> None:
    folder = tmp_path / "posts"
    write_posts(folder, 30)
    (folder / "00020.md").write_text("---\ntitle: High\nvolume: 120\n---\nx\n", encoding="utf-8")

    with pytest.raises(ImportFailed) as caught:
        services.imports.import_paths([folder])

    assert str(caught.value).startswith("00020.md: A volume is a number from 0 to 99")
    assert counts(services) == {"entries": 0, "tags": 0, "entry_tags": 0, "entries_fts": 0, "assets": 0}


def test_slugs_stay_unique_across_batches_and_with_stored_entries(
    services: Services, tmp_path: Path, small_batches: int
) -> None:
    services.entries.create(parse_file(*_kept(tmp_path, "same")).fields)
    folder = tmp_path / "posts"
    write_posts(folder, 30, title="Same")
    write_posts(tmp_path / "more", 10, title="Other {n}", slug="same-{n}")  # same-0 … same-9

    report = services.imports.import_paths([folder, tmp_path / "more"])

    slugs = [e.slug for e in report.created]
    assert len(set(slugs)) == len(slugs) == 40
    assert slugs[:3] == ["same-2", "same-3", "same-4"]
    assert slugs[29] == "same-31"
    # Asked-for slugs already given out as suffixes get suffixes of their own.
    assert slugs[30:33] == ["same-0", "same-1", "same-2-2"]
    assert len({e.slug for e in services.entries.list_summaries()}) == 41


def test_progress_counts_every_file_once_across_batches(
    services: Services, tmp_path: Path, small_batches: int
) -> None:
    write_posts(tmp_path / "posts", 20)
    seen: list[tuple[int, int, str]] = []
    services.imports.import_paths([tmp_path / "posts"], progress=lambda d, t, n: seen.append((d, t, n)))
    assert seen == [(n + 1, 20, f"{n:05d}.md") for n in range(20)]


def _kept(tmp_path: Path, slug: str = "kept") -> tuple[Path, bytes, dt.date]:
    path = tmp_path / "kept.md"
    path.write_text(f"---\ntitle: Kept\nslug: {slug}\ntags: ridge\n---\nStored before.\n", encoding="utf-8")
    return path, path.read_bytes(), dt.date(2025, 1, 1)



def test_memory_stays_flat_as_the_files_grow_in_number(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 40 KB bodies in batches of 25: what one batch holds dwarfs each entry's record, so an
    # import that held every file (as before batching) would peak ~4x higher for 4x the files.
    monkeypatch.setattr(import_batches, "BATCH_FILES", 25)
    # Read here: tests/services/test_import_workers.py measures the files workers read.
    monkeypatch.setattr(import_reading, "MIN_FILES_FOR_WORKERS", 10**9)
    body = "word " * 8000 + "{n}\n"
    write_posts(tmp_path / "warm", 25, body)
    write_posts(tmp_path / "few", 50, body, title="Few {n}")
    write_posts(tmp_path / "many", 200, body, title="Many {n}")
    import_peak(services, tmp_path / "warm")  # compiled statements and caches, once
    few = import_peak(services, tmp_path / "few")
    many = import_peak(services, tmp_path / "many")
    assert many < few * 1.5, f"peak {many / 2**20:.1f} MB for 200 files against {few / 2**20:.1f} MB for 50"
