"""How far workers read ahead of what is stored: far for short files, less once files prove long."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes_desktop.services import import_reading
from fieldnotes_desktop.services.import_reading import FileReader, read_chunk
from fieldnotes_desktop.services.importer import collect_files


def _write(folder: Path, count: int, words: int) -> list[tuple[str, str, bool]]:
    folder.mkdir()
    for n in range(count):
        (folder / f"{n:04d}.md").write_text(f"---\ntitle: Note {n}\n---\n" + "word " * words + "\n", encoding="utf-8")
    return [(f.name, str(f.root), f.walked) for f in collect_files([folder])]


def _most_ahead(jobs: list[tuple[str, str, bool]]) -> tuple[int, list[object]]:
    """The most chunks handed out at once while reading `jobs` with a worker, and what was read."""
    most, got = 0, []
    with FileReader(jobs, workers=1) as reader:
        for item in reader:
            got.append(item)
            most = max(most, len(reader._ahead))  # noqa: SLF001 - the bound under test
    assert reader.read_by_workers > 0
    return most, got


@pytest.mark.parametrize(("words", "bound"), [(20, 6), (2_000, 2)])
def test_chunks_read_ahead_hold_no_more_text_than_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, words: int, bound: int
) -> None:
    monkeypatch.setattr(import_reading, "CHUNK_FILES", 10)
    monkeypatch.setattr(import_reading, "AHEAD_CHUNKS", 6)
    # 10 files of 2,000 words are ~100 KB, twice the bound: two chunks ahead, as few as there are.
    monkeypatch.setattr(import_reading, "AHEAD_CHARS", 50_000)
    jobs = _write(tmp_path / "posts", 300, words)

    most, got = _most_ahead(jobs)

    assert got == read_chunk(jobs)
    assert most == bound
