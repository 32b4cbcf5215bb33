"""`fieldnotes search` and `list` read with sqlite3 alone give the store's answer byte for byte, and leaves any doubtful file to the store."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from fieldnotes_desktop.cli import main
from fieldnotes_desktop.records import EntryFields, EntryFilter
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.store import plain_read
from fieldnotes_desktop.store.identity import APPLICATION_ID

from cli_helpers import Run, one_error_line

QUERIES = [
    "moraine",  # in every entry: more than a page, ranked
    "mor",  # a prefix
    "moraine snow",
    "rock moraine num",  # two words and a prefix
    '"moraine number 3"',  # a phrase, in the writer's own syntax
    '"unclosed moraine',  # broken FTS syntax: read plainly
    "moraine AND",  # a dangling operator
    "NEAR(moraine",
    "C++ moraine",
    "<script>",  # escaped in the snippet
    "Über",
    "nothing-here-at-all",
    "   ",
]


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    path = tmp_path / "shelf.db"
    services = open_services(path)
    try:
        ids = []
        for n in range(70):
            entry = services.entries.create(EntryFields(
                title=f"Über den Grat {n}" if n % 7 == 0 else f"Camp {n} & <markup>",
                body=f"moraine number {n} " + ("snow " * (n % 5)) + ("<script>alert(1)</script> " if n % 9 == 0 else "")
                + "rock " * (n % 3) + "\n\nsecond paragraph with moraine again",
                summary="ß" * (n % 4), tags=tuple(t for t, k in (("snow", 2), ("rock", 3), ("ice", 5)) if n % k == 0),
                status="finished" if n % 3 else "draft", volume=n % 4 or None, elevation_m=None if n % 2 else 1200 + n, date=dt.date(2024, 1 + n % 12, 1 + n % 28),
            ))  # fmt: skip
            ids.append(entry.id)
        for entry_id in ids[::10]:
            services.entries.trash(entry_id)
    finally:
        services.close()
    return path


def cli_output(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("query", QUERIES)
def test_both_paths_find_the_same_hits(shelf: Path, query: str) -> None:
    services = open_services(shelf, read_only=True)
    try:
        expected = services.entries.search(query)
    finally:
        services.close()
    assert plain_read.search_file(shelf, query) == expected


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("as_json", [True, False])
def test_both_paths_print_the_same_bytes(
    shelf: Path, query: str, as_json: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["search", query, *(["--json"] if as_json else [])]
    direct = cli_output(capsys, shelf, *args)
    monkeypatch.setattr(plain_read, "search_file", lambda *_args, **_kwargs: None)  # the store's path
    through_the_store = cli_output(capsys, shelf, *args)
    assert direct == through_the_store
    assert direct[0] == 0 and direct[1]


@pytest.mark.parametrize("status", [None, "draft", "finished"])
def test_both_paths_list_the_same_records_across_batches(
    shelf: Path, status: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plain_read, "LIST_BATCH", 8)  # 63 entries outside the trash: 8 batches
    services = open_services(shelf, read_only=True)
    try:
        expected = list(services.entries.stream_summaries(EntryFilter(status=status)))
    finally:
        services.close()
    listed = plain_read.list_file(shelf, status)
    assert listed is not None
    assert list(listed) == expected
    assert (len(expected) == 63) if status is None else (0 < len(expected) < 63)  # 7 of 70 in the trash
    assert all(e.status == status for e in expected) if status else len({e.status for e in expected}) == 2
    assert not any(e.trashed for e in expected) and any(e.tags for e in expected)


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["list", "--status", "draft", "--json"]])
def test_both_paths_print_the_same_listing(
    shelf: Path, args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    direct = cli_output(capsys, shelf, *args)
    monkeypatch.setattr(plain_read, "list_file", lambda *_args, **_kwargs: None)  # the store's path
    through_the_store = cli_output(capsys, shelf, *args)
    assert direct == through_the_store
    assert direct[0] == 0 and direct[1]


def test_the_trash_stays_out_and_the_page_is_full(shelf: Path) -> None:
    hits = plain_read.search_file(shelf, "moraine")
    assert hits is not None and len(hits) == 50
    assert not any(hit.entry.trashed for hit in hits)
    assert all("<mark>" in hit.snippet for hit in hits)
    escaped = plain_read.search_file(shelf, "script")
    assert escaped and all("<script>" not in hit.snippet and "&lt;" in hit.snippet for hit in escaped)


def test_reading_changes_nothing_and_creates_nothing(shelf: Path) -> None:
    before = sorted(p.name for p in shelf.parent.iterdir())
    content = shelf.read_bytes()
    assert plain_read.search_file(shelf, "moraine")
    assert sorted(p.name for p in shelf.parent.iterdir()) == before
    assert shelf.read_bytes() == content


def set_revision(path: Path, revision: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = ?", (revision,))


@pytest.mark.parametrize("revision", ["0002", "9999_from_the_future"])
def test_another_revision_is_left_to_the_store(shelf: Path, revision: str, run: Run, db: Path) -> None:
    set_revision(shelf, revision)
    assert plain_read.search_file(shelf, "moraine") is None
    assert plain_read.list_file(shelf) is None
    shutil.copyfile(shelf, db)
    line = one_error_line(run("search", "moraine"))
    assert ("newer version" if revision.startswith("9999") else "older version") in line


def test_another_programs_database_is_left_to_the_store(shelf: Path, run: Run, db: Path) -> None:
    with contextlib.closing(sqlite3.connect(shelf)) as conn:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID + 1}")
    assert plain_read.search_file(shelf, "moraine") is None
    assert plain_read.list_file(shelf) is None
    shutil.copyfile(shelf, db)
    assert "another program" in one_error_line(run("list"))
    assert "another program" in one_error_line(run("search", "moraine"))


def test_a_damaged_file_is_left_to_the_store(shelf: Path, run: Run, db: Path) -> None:
    data = bytearray(shelf.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page after the first
    db.write_bytes(bytes(data))
    assert plain_read.search_file(db, "moraine") is None
    assert plain_read.list_file(db) is None
    assert "damaged" in one_error_line(run("search", "moraine"))
    assert "damaged" in one_error_line(run("list", "--json"))


@pytest.mark.parametrize("content", [None, b"", b"not a database at all, just text" * 10])
def test_no_database_is_left_to_the_store(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "missing.db"
    if content is not None:
        path.write_bytes(content)
    assert plain_read.search_file(path, "moraine") is None
    assert plain_read.list_file(path) is None


def test_a_wal_without_its_shm_is_left_to_the_store(shelf: Path, tmp_path: Path) -> None:
    # A program that ended without closing the file: its last commit only in the -wal.
    copy = tmp_path / "crashed.db"
    shutil.copyfile(shelf, copy)
    writer = sqlite3.connect(copy)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    with writer:
        writer.execute("UPDATE entries SET title = 'changed' WHERE id = 2")
    shutil.copyfile(copy, tmp_path / "left.db")
    shutil.copyfile(copy.with_name("crashed.db-wal"), tmp_path / "left.db-wal")
    writer.close()
    assert plain_read.search_file(tmp_path / "left.db", "moraine") is None
    assert not (tmp_path / "left.db-shm").exists()


def test_a_live_wal_is_read_with_its_last_commits(shelf: Path) -> None:
    writer = sqlite3.connect(shelf)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        with writer:
            writer.execute("UPDATE entries SET title = 'changed while open' WHERE id = 2")
        hits = plain_read.search_file(shelf, "moraine number 1")
        assert hits is not None
        assert "changed while open" in {hit.entry.title for hit in hits}
    finally:
        writer.close()
