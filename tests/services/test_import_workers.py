"""Large imports read files in worker processes: same entries, same refusals, memory still flat."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.services import Services, import_batches, import_reading, importer, open_services
from fieldnotes_desktop.services.import_reading import FileReader, read_chunk
from fieldnotes_desktop.services.importer import collect_files

from import_measures import counts, import_peak
from service_clock import ManualClock

BODY = "Day {n} on the *ridge*, with `code` and [a link](https://example.org).\n\nMore words here.\n"


def write_posts(folder: Path, count: int, body: str = BODY, title: str = "Note {n}") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        # Every tenth title repeats, so slugs collide across chunks and batches.
        shown = title.format(n=n if n % 10 else "same")
        head = f"title: {shown}\ntags: ridge, t{n % 7}\nvolume: {n % 10}\n"
        (folder / f"{n:05d}.md").write_text(f"---\n{head}---\n{body.format(n=n)}", encoding="utf-8")


@pytest.fixture(autouse=True)
def one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker whatever else the machine runs (imports start none on a busy machine)."""
    monkeypatch.setattr(importer, "spare_workers", lambda: 1)



def _jobs(folder: Path) -> list[tuple[str, str, bool]]:
    return [(f.name, str(f.root), f.walked) for f in collect_files([folder])]


def test_workers_read_what_this_process_reads_in_the_same_order(tmp_path: Path) -> None:
    write_posts(tmp_path / "posts", 400)
    (tmp_path / "posts" / "00300.md").write_bytes(b"---\ntitle: [unclosed\n---\nx\n")
    jobs = _jobs(tmp_path / "posts")

    with FileReader(jobs, workers=2) as reader:
        with pytest.raises(ImportFailed) as caught:
            got = []
            for item in reader:
                got.append(item)

    assert reader.read_by_workers > 0  # the workers did start and read
    here = read_chunk(jobs)
    assert str(caught.value) == here[300]
    assert got == here[:300]


def test_an_import_through_workers_stores_what_one_read_here_stores(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_batches, "BATCH_FILES", 90)  # batches end inside chunks
    write_posts(tmp_path / "posts", 450)
    stored = []
    for name, least in (("workers", 200), ("here", 10**9)):
        monkeypatch.setattr(import_reading, "MIN_FILES_FOR_WORKERS", least)
        services = open_services(tmp_path / f"{name}.db", clock=clock)
        try:
            report = services.imports.import_paths([tmp_path / "posts"])
            entries = [services.entries.get(s.id) for s in report.created]
        finally:
            services.close()
        stored.append([dataclasses.replace(e, id=0, uuid="") for e in entries])
    workers, here = stored
    assert workers == here
    assert len({e.slug for e in workers}) == 450
    assert workers[0].words > 0


def test_a_bad_file_read_by_a_worker_stores_nothing_of_the_run(services: Services, tmp_path: Path) -> None:
    write_posts(tmp_path / "posts", 600)
    (tmp_path / "posts" / "00550.md").write_bytes(b"---\ntitle: Broken\ndate: 2025-13-45\n---\nx\n")

    with pytest.raises(ImportFailed) as caught:
        services.imports.import_paths([tmp_path / "posts"])

    message = str(caught.value)
    assert message.startswith("00550.md: ") and message.endswith("nothing was imported.")
    assert counts(services) == {"entries": 0, "tags": 0, "entry_tags": 0, "entries_fts": 0, "assets": 0}


def test_workers_that_cannot_start_leave_the_reading_to_this_process(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(workers: int) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr("fieldnotes_desktop.render.parallel.start_pool", refuse)
    write_posts(tmp_path / "posts", 250)

    report = services.imports.import_paths([tmp_path / "posts"])

    assert len(report.created) == 250
    assert counts(services)["entries_fts"] == 250



def test_memory_stays_flat_when_workers_read(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 10 KB bodies: what waits for its turn (the batch, the chunks read ahead) dwarfs each
    # entry's record, so an import that held every file would peak ~2.5x higher for 2.5x the files.
    monkeypatch.setattr(import_batches, "BATCH_FILES", 25)
    monkeypatch.setattr(import_reading, "AHEAD_CHUNKS", 2)
    monkeypatch.setattr(import_reading, "HEAD_FILES", 30)  # not a whole number of chunks
    body = "word " * 2000 + "{n}\n"
    write_posts(tmp_path / "few", 200, body, title="Few {n}")
    write_posts(tmp_path / "many", 500, body, title="Many {n}")
    import_peak(services, tmp_path / "few")  # compiled statements and caches, once
    few = import_peak(services, tmp_path / "few")
    many = import_peak(services, tmp_path / "many")
    assert many < few * 1.5, f"peak {many / 2**20:.1f} MB for 500 files against {few / 2**20:.1f} MB for 200"
