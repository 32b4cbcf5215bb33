"""`fieldnotes backup` and `doctor`, and how read-only commands leave the database file alone."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from cli_helpers import Run, one_error_line


def folder_digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def seeded(run: Run, tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "2024-06-01-north-ridge.md").write_text(
        "---\ntitle: The North Ridge\nstatus: finished\n---\nWe slept below the quetzal col.\n", encoding="utf-8"
    )
    (posts / "2025-01-19-fastapi.md").write_text("---\ntitle: FastAPI vs Django\n---\nTwo frameworks.\n", encoding="utf-8")
    assert run("import", str(posts)).returncode == 0


# -- read-only commands --------------------------------------------------------------------


def leave_wal_behind(source: Path, target: Path, statement: str) -> None:
    """`target` as a crash leaves it: the last commit only in a -wal beside it, and no -shm."""
    writer = sqlite3.connect(source, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute(statement)
        shutil.copyfile(source, target)
        shutil.copyfile(source.with_name(source.name + "-wal"), target.with_name(target.name + "-wal"))
    finally:
        writer.close()


@pytest.mark.parametrize(
    "args", [("list",), ("search", "ridge"), ("site",), ("doctor",), ("backup",)], ids=lambda a: a[0]
)
def test_read_only_commands_after_a_crash_read_the_last_commits_and_change_no_byte_of_the_file(
    run: Run, tmp_path: Path, db: Path, args: tuple[str, ...]
) -> None:
    seeded(run, tmp_path)
    source = db.rename(tmp_path / "source.db")
    leave_wal_behind(source, db, "UPDATE entries SET title = 'The North Ridge, again' WHERE slug = 'north-ridge'")
    main, wal = folder_digests(tmp_path)["cli.db"], folder_digests(tmp_path)["cli.db-wal"]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    after = folder_digests(tmp_path)
    # A writing open would have checkpointed the -wal into the file; reading leaves both as they were.
    assert (after["cli.db"], after["cli.db-wal"]) == (main, wal)
    if args[0] in ("list", "search"):
        assert "The North Ridge, again" in result.stdout


@pytest.mark.parametrize("args", [("list",), ("search", "x"), ("site",), ("backup",), ("doctor",), ("export", "--out", "site")])
def test_a_zero_byte_file_is_no_database_for_commands_that_do_not_store(
    run: Run, tmp_path: Path, db: Path, args: tuple[str, ...]
) -> None:
    db.touch()
    line = one_error_line(run(*args))
    assert "There is no database at" in line
    assert db.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["cli.db", "home"])


def test_another_programs_file_with_an_empty_alembic_version_is_refused_by_list(run: Run, db: Path) -> None:
    other = sqlite3.connect(db)
    with other:
        other.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
        other.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    other.close()
    before = folder_digests(db.parent)
    for args in (("list",), ("site", "--title", "Mine now"), ("import", "nothing.md")):
        assert "another program" in one_error_line(run(*args))
    assert folder_digests(db.parent) == before


# -- backup --------------------------------------------------------------------------------


def test_backup_writes_into_the_backups_folder_and_says_where(run: Run, tmp_path: Path, db: Path) -> None:
    seeded(run, tmp_path)
    result = run("backup")
    assert result.returncode == 0, result.stderr
    (made,) = (tmp_path / "cli.db.backups").iterdir()
    assert str(made) in result.stdout
    copy = sqlite3.connect(made)
    assert copy.execute("SELECT count(*) FROM entries").fetchone() == (2,)
    copy.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("cli.db")) == ["cli.db", "cli.db.backups"]


def test_backup_to_a_file(run: Run, tmp_path: Path) -> None:
    seeded(run, tmp_path)
    target = tmp_path / "usb" / "notes-copy.db"
    assert run("backup", "--to", str(target)).returncode == 0
    assert run("backup", "--to", str(target)).returncode == 0  # an older backup may be replaced
    rows = json.loads(run("--db", str(target), "list", "--json", use_db=False).stdout)
    assert sorted(r["slug"] for r in rows) == ["fastapi", "north-ridge"]


def test_backup_never_overwrites_a_file_that_is_not_a_backup(run: Run, tmp_path: Path) -> None:
    seeded(run, tmp_path)
    precious = tmp_path / "letter.txt"
    precious.write_text("Dear Ana,\n")
    assert "not a Field Notes backup" in one_error_line(run("backup", "--to", str(precious)))
    assert precious.read_text() == "Dear Ana,\n"


# -- doctor --------------------------------------------------------------------------------


def test_doctor_on_a_healthy_database(run: Run, tmp_path: Path) -> None:
    seeded(run, tmp_path)
    result = run("doctor")
    assert result.returncode == 0, result.stderr
    assert "healthy" in result.stdout
    report = json.loads(run("doctor", "--json").stdout)
    assert report["ok"] is True and report["problems"] == []


def test_doctor_finds_a_hole_in_the_search_index_and_repair_mends_it(run: Run, tmp_path: Path, db: Path) -> None:
    seeded(run, tmp_path)
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute(
        "INSERT INTO entries_fts(entries_fts, rowid, title, summary, body) "
        "SELECT 'delete', id, title, summary, body FROM entries WHERE slug = 'north-ridge'"
    )
    (ridge,) = raw.execute("SELECT id FROM entries WHERE slug = 'north-ridge'").fetchone()
    raw.close()
    assert json.loads(run("search", "quetzal", "--json").stdout) == []

    found = run("doctor")
    assert found.returncode == 1
    assert "problem: search index: 1 entry was missing" in found.stdout
    assert "--repair" in found.stderr
    report = json.loads(run("doctor", "--json").stdout)
    assert report["ok"] is False and report["search_index"]["missing"] == [ridge]

    repaired = run("doctor", "--repair")
    assert repaired.returncode == 0, (repaired.stdout, repaired.stderr)
    assert "repaired: search index: 1 entry was missing; rebuilt." in repaired.stdout
    assert [r["slug"] for r in json.loads(run("search", "quetzal", "--json").stdout)] == ["north-ridge"]
    assert run("doctor").returncode == 0


def test_doctor_on_a_damaged_file_says_to_restore_a_backup(run: Run, tmp_path: Path, db: Path) -> None:
    posts = tmp_path / "many"
    posts.mkdir()
    for i in range(30):
        (posts / f"entry-{i}.md").write_text(f"# Entry {i}\n\n" + "scree moraine " * 300, encoding="utf-8")
    assert run("import", str(posts)).returncode == 0
    connection = sqlite3.connect(db)
    pages = [r[0] for r in connection.execute(
        "SELECT pageno FROM dbstat WHERE name = 'entries' AND pagetype = 'leaf' ORDER BY pageno"
    )]
    connection.close()
    with db.open("r+b") as handle:
        handle.seek((pages[1] - 1) * 4096 + 8)
        handle.write(b"\xa5" * 4088)
    result = run("doctor")
    assert result.returncode == 1
    assert "problem: damaged:" in result.stdout
    assert "Restore from backup" in result.stderr and "cli.db.backups" in result.stderr
