"""`fieldnotes copy --to`: a whole desk into an empty database, every row checked, nothing half-copied.

The desk is the sample entries, with what the samples lack added: a revision with its author,
non-ASCII text, a binary asset, personal words whose order differs by collation, a trashed
entry, daily word counts and a rendered section (a cache, which is not copied).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from cli_helpers import Run, one_error_line
from fieldnotes_desktop.config import location_of
from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.services.desk_copy import DeskCopyService
from fieldnotes_desktop.store import open_store
from fieldnotes_desktop.store.desk_copy import copied_tables, look
from tests.export.export_helpers import open_sample_services

GREETING = "Grüße aus Zürich — naïve café, 日本語のノート, emoji 🏔️\n\nSecond paragraph."
PHOTO = bytes(range(256)) * 800 + b"\x00\xff" * 1000  # every byte value, NULs included


def make_desk(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample desk, and one of each thing the samples do not have."""
    services = open_sample_services(path, monkeypatch)
    try:
        entries = services.entries
        first = entries.get_by_slug("why-i-keep-field-notes")
        entries.update(first.id, EntryFields(title="Warum ich Notizen führe", body=GREETING), snapshot="manual")
        entries.snapshot(first.id, "export")
        entries.trash(entries.get_by_slug("type-hints-that-pay-rent").id)
        services.assets.add("ridge-photo.bin", PHOTO, mime="application/octet-stream")
        for word in ("Zürich", "apple", "Ångström", "zebra", "Zebra"):
            services.dictionary.add(word)
    finally:
        services.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE revisions SET author = 'Ines Okafor'")
        db.execute("INSERT INTO daily_words (day, words) VALUES ('2025-03-14', 812)")
        db.execute("INSERT INTO rendered_sections (key, payload) VALUES (?, ?)", ("k" * 32, b"x\x9c\x03\x00"))
    db.close()


def rows_of(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every copied table's rows as SQLite itself stores them, in primary-key order."""
    found: dict[str, list[tuple[object, ...]]] = {}
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
        for table in copied_tables():
            keys = ", ".join(c.name for c in table.primary_key.columns)
            found[table.name] = db.execute(f"SELECT * FROM {table.name} ORDER BY {keys}").fetchall()
    db.close()
    return found


def count(path: Path, table: str) -> int:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
        number = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    db.close()
    return number


def file_digests(path: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.parent.iterdir()) if p.name.startswith(path.name)
    }


@pytest.fixture
def desk(db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_desk(db, monkeypatch)
    return db


# -- SQLite to SQLite ----------------------------------------------------------------------


def test_a_desk_copied_to_a_new_file_holds_every_row_of_the_original(desk: Path, run: Run, tmp_path: Path) -> None:
    target = tmp_path / "moved" / "desk.db"
    before = file_digests(desk)
    result = run("copy", "--to", str(target))
    assert result.returncode == 0, result.stderr
    assert file_digests(desk) == before  # the desk was only read, and nothing was made beside it
    lines = result.stdout.splitlines()
    assert lines[-1] == (
        f"Copied 8 entries, 16 tags, 3 revisions, 2 assets (209 kB), site settings, 5 personal words "
        f"and 2 days of word counts to {target}; every count and hash matches."
    )
    assert "copying entries: 8 of 8" in lines and "checking revisions: 3 of 3" in lines
    assert result.stderr == ""
    original, copy = rows_of(desk), rows_of(target)
    assert copy == original
    assert [row[-1] for row in copy["revisions"]] == ["Ines Okafor"] * 3  # a column of 0009 came along
    assert any(GREETING in row for row in copy["entries"])
    assert any(PHOTO in row for row in copy["assets"])
    assert count(target, "rendered_sections") == 0 and count(desk, "rendered_sections") == 1

    moved = open_services(target)
    try:
        assert moved.entries.search("Zürich")[0].entry.title == "Warum ich Notizen führe"  # the copy's index knows it
        new = moved.entries.create(EntryFields(title="Written after the move"))
        assert new.id == max(row[0] for row in original["entries"]) + 1
    finally:
        moved.close()


def test_the_json_outcome_names_every_table_with_its_count_and_hash(desk: Path, run: Run, tmp_path: Path) -> None:
    result = run("copy", "--to", str(tmp_path / "copy.db"), "--json")
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["ok"] is True and outcome["kept"] is True
    assert outcome["source"] == str(desk) and outcome["target"] == str(tmp_path / "copy.db")
    tables = {t["table"]: t for t in outcome["tables"]}
    assert set(tables) == {t.name for t in copied_tables()} and "rendered_sections" not in tables
    assert tables["entries"]["rows"] == tables["entries"]["copied_rows"] == 8
    assert tables["assets"]["rows"] == 2 and tables["assets"]["bytes"] > len(PHOTO)
    assert all(t["sha256"] == t["copied_sha256"] and len(t["sha256"]) == 64 for t in tables.values())
    assert tables["entries"]["sha256"] != tables["revisions"]["sha256"]


def test_a_target_that_holds_a_desk_is_refused_and_left_as_it_was(desk: Path, run: Run, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    services = open_services(other)
    services.entries.create(EntryFields(title="Someone else's entry"))
    services.close()
    before = file_digests(other)
    line = one_error_line(run("copy", "--to", str(other)))
    assert line == (
        f"fieldnotes: {other} already holds a desk (1 entry); copy into an empty database or a new file."
    )
    assert file_digests(other) == before


def test_a_new_desk_whose_settings_were_changed_is_not_empty(desk: Path, run: Run, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    services = open_services(other)
    services.site.update(title="Another Site")
    services.close()
    line = one_error_line(run("copy", "--to", str(other)))
    assert "already holds a desk (no entries, but its own site settings)" in line


def test_an_empty_desk_file_is_filled(desk: Path, run: Run, tmp_path: Path) -> None:
    target = tmp_path / "empty.db"
    open_store(target).close()
    assert look(target) == {t.name: 0 for t in copied_tables()}
    result = run("copy", "--to", str(target))
    assert result.returncode == 0, result.stderr
    assert rows_of(target) == rows_of(desk)


def test_a_desk_is_not_copied_onto_itself(desk: Path, run: Run, tmp_path: Path) -> None:
    before = file_digests(desk)
    line = one_error_line(run("copy", "--to", str(desk)))
    assert line == f"fieldnotes: --to names the desk being copied ({desk}); copy it into an empty database or a new file."
    (tmp_path / "link.db").symlink_to(desk)
    assert "names the desk being copied" in one_error_line(run("copy", "--to", str(tmp_path / "link.db")))
    assert file_digests(desk) == before


def test_copy_starts_no_database_where_there_is_none(run: Run, tmp_path: Path) -> None:
    missing, target = tmp_path / "missing.db", tmp_path / "copy.db"
    line = one_error_line(run("--db", str(missing), "copy", "--to", str(target), use_db=False))
    assert "There is no database at" in line
    assert not missing.exists() and not target.exists()


def test_another_programs_file_is_refused_as_a_target(desk: Path, run: Run, tmp_path: Path) -> None:
    foreign = tmp_path / "invoices.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.close()
    before = file_digests(foreign)
    assert "another program" in one_error_line(run("copy", "--to", str(foreign)))
    assert file_digests(foreign) == before


def test_an_interrupted_copy_removes_the_file_it_created(desk: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    seen: list[str] = []

    def interrupt(stage: str, table: str, done: int, total: int) -> None:
        seen.append(table)
        if table == "revisions":  # entries, tags and assets are in the target's transaction by now
            raise KeyboardInterrupt

    source = open_store(desk, read_only=True)
    try:
        with pytest.raises(KeyboardInterrupt):
            DeskCopyService(source).copy_to(target, progress=interrupt)
    finally:
        source.close()
    assert "entries" in seen
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy.db")) == []


def test_a_failed_copy_into_an_empty_desk_leaves_it_empty(desk: Path, tmp_path: Path) -> None:
    target = tmp_path / "empty.db"
    open_store(target).close()
    settings_before = rows_of(target)["site"]

    def interrupt(stage: str, table: str, done: int, total: int) -> None:
        if stage == "check":
            raise KeyboardInterrupt

    source = open_store(desk, read_only=True)
    try:
        with pytest.raises(KeyboardInterrupt):
            DeskCopyService(source).copy_to(target, progress=interrupt)
    finally:
        source.close()
    assert target.exists()
    assert look(target) == {t.name: 0 for t in copied_tables()}
    assert rows_of(target)["site"] == settings_before


def test_a_copy_that_does_not_match_is_not_kept_and_exits_non_zero(desk: Path, run: Run, tmp_path: Path) -> None:
    # A target that changes what it is given: a trigger shouting every tag.
    target = tmp_path / "shouting.db"
    open_store(target).close()
    with sqlite3.connect(target) as db:
        db.execute("CREATE TRIGGER shout AFTER INSERT ON tags BEGIN UPDATE tags SET name = upper(new.name) WHERE id = new.id; END")
    db.close()
    result = run("copy", "--to", str(target))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        f"fieldnotes: The copy at {target} did not match the desk: tags (the same 16 rows, but their contents "
        "differ); nothing was kept"
    ) in result.stderr
    assert look(target) == {t.name: 0 for t in copied_tables()}

    as_json = run("copy", "--to", str(target), "--json")
    assert as_json.returncode == 1
    outcome = json.loads(as_json.stdout)
    assert outcome["ok"] is False and outcome["kept"] is False
    assert [t["table"] for t in outcome["tables"] if not t["matches"]] == ["tags"]


def test_the_summary_of_a_small_desk(tmp_path: Path) -> None:
    services = open_services(tmp_path / "a.db")
    try:
        services.entries.create(EntryFields(title="One"))
        report = DeskCopyService(services.store).copy_to(tmp_path / "b.db")
        assert report.ok
        assert report.summary() == f"Copied 1 entry and site settings to {tmp_path / 'b.db'}; every count and hash matches."
        with pytest.raises(DatabaseError, match=r"already holds a desk \(1 entry\)"):
            DeskCopyService(services.store).copy_to(tmp_path / "b.db")
    finally:
        services.close()


# -- SQLite to PostgreSQL and back ----------------------------------------------------------


def _plain(url: str) -> str:
    """The address as libpq takes it, for looking behind the app's back."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def server_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every copied table's rows on the server, in primary-key order (text by code point)."""
    found: dict[str, list[tuple[object, ...]]] = {}
    with psycopg.connect(_plain(url)) as db:
        for table in copied_tables():
            keys = ", ".join(f'{c.name} COLLATE "C"' if c.name in ("word", "sha256") else c.name
                             for c in table.primary_key.columns)
            columns = ", ".join(c.name for c in table.columns)  # not the search column the server keeps
            found[table.name] = db.execute(f"SELECT {columns} FROM {table.name} ORDER BY {keys}").fetchall()
    return found


def test_a_desk_goes_to_postgresql_and_back_with_every_row(pg_url: str, desk: Path, run: Run, tmp_path: Path) -> None:
    shown = location_of(pg_url).shown
    there = run("copy", "--to", pg_url)
    assert there.returncode == 0, there.stderr
    assert there.stdout.splitlines()[-1].startswith("Copied 8 entries, 16 tags, 3 revisions, 2 assets (209 kB), site settings")
    assert there.stdout.splitlines()[-1].endswith(f"to {shown}; every count and hash matches.")
    on_server = server_rows(pg_url)
    assert len(on_server["entries"]) == 8 and on_server["assets"][1][4] == PHOTO or on_server["assets"][0][4] == PHOTO
    assert [row[-1] for row in on_server["revisions"]] == ["Ines Okafor"] * 3

    back = tmp_path / "back" / "desk.db"
    again = run("--db", pg_url, "copy", "--to", str(back), use_db=False)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1].endswith(f"to {back}; every count and hash matches.")
    assert rows_of(back) == rows_of(desk)


def test_a_database_that_sorts_text_by_language_gets_the_same_hashes(pg_url: str, desk: Path, tmp_path: Path) -> None:
    """An ICU collation puts "apple" before "Zebra" and "Ångström" among the a's; the copy's
    check compares text by code point on both sides, so the hashes still agree."""
    parts = urlsplit(_plain(pg_url))
    name = f"{parts.path.lstrip('/')}_icu"
    with psycopg.connect(_plain(pg_url).replace(parts.path, "/postgres"), autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name} LOCALE_PROVIDER icu ICU_LOCALE 'en-US' TEMPLATE template0")
    icu_url = pg_url.replace(parts.path, f"/{name}")
    with psycopg.connect(_plain(icu_url)) as db:
        by_language = [r[0] for r in db.execute("SELECT unnest(ARRAY['Zebra', 'apple', 'Ångström']) AS w ORDER BY w")]
    assert by_language == ["Ångström", "apple", "Zebra"] != sorted(by_language)
    source = open_store(desk, read_only=True)
    try:
        report = DeskCopyService(source).copy_to(icu_url)
        assert report.ok, report.summary()
        assert report.rows("personal_words") == 5
        on_server = open_store(icu_url, read_only=True)
        try:
            assert DeskCopyService(on_server).copy_to(tmp_path / "back.db").ok
        finally:
            on_server.close()
        assert rows_of(tmp_path / "back.db") == rows_of(desk)
    finally:
        source.close()
        with psycopg.connect(_plain(pg_url).replace(parts.path, "/postgres"), autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {name}")


def test_the_postgresql_copy_takes_new_rows_after_the_copied_ones(pg_url: str, desk: Path) -> None:
    source = open_store(desk, read_only=True)
    try:
        assert DeskCopyService(source).copy_to(pg_url).ok
    finally:
        source.close()
    copied = server_rows(pg_url)
    services = open_services(pg_url)
    try:
        entry = services.entries.create(EntryFields(title="Written on the server", tags=("brand-new-tag",)), reason="manual")
        assert entry.id == max(row[0] for row in copied["entries"]) + 1
        assert services.entries.revisions(entry.id)[0].id == max(row[0] for row in copied["revisions"]) + 1
        services.dictionary.add("Innsbruck")
        assert services.site.get().author == "Ines Okafor"
        assert services.entries.search("Zürich")[0].entry.title == "Warum ich Notizen führe"
    finally:
        services.close()
    with psycopg.connect(_plain(pg_url)) as db:
        tag_ids = [r[0] for r in db.execute("SELECT id FROM tags ORDER BY id")]
    assert tag_ids[-1] == max(row[0] for row in copied["tags"]) + 1 and len(tag_ids) == len(set(tag_ids))


def test_a_postgresql_desk_with_entries_is_refused_unchanged(pg_url: str, desk: Path, run: Run) -> None:
    services = open_services(pg_url)
    services.entries.create(EntryFields(title="Already here"))
    services.close()
    before = server_rows(pg_url)
    line = one_error_line(run("copy", "--to", pg_url))
    assert line == (
        f"fieldnotes: {location_of(pg_url).shown} already holds a desk (1 entry); "
        "copy into an empty database or a new file."
    )
    assert server_rows(pg_url) == before


def test_a_desk_on_a_server_is_not_copied_onto_itself(pg_url: str, run: Run) -> None:
    open_services(pg_url).close()
    same = pg_url.replace("127.0.0.1", "localhost")
    line = one_error_line(run("--db", pg_url, "copy", "--to", same, use_db=False))
    assert "names the desk being copied" in line


def test_a_copy_that_fails_half_way_leaves_the_server_without_a_row(pg_url: str, desk: Path, run: Run) -> None:
    # A NUL in a body: SQLite keeps it, PostgreSQL cannot, and entries come before most tables.
    with sqlite3.connect(desk) as db:
        db.execute("UPDATE entries SET body = 'before' || char(0) || 'after' WHERE slug = 'reading-the-wal-by-hand'")
        entry_id = db.execute("SELECT id FROM entries WHERE slug = 'reading-the-wal-by-hand'").fetchone()[0]
    db.close()
    line = one_error_line(run("copy", "--to", pg_url))
    assert f"Nothing was copied to {location_of(pg_url).shown}: copying entries failed" in line
    assert f"The body of entries row id {entry_id} holds a NUL character" in line
    held = server_rows(pg_url)
    assert {table for table, rows in held.items() if rows} == {"site"}  # only the row every new desk starts with
    assert look(location_of(pg_url)) == {t.name: 0 for t in copied_tables()}
    with sqlite3.connect(desk) as db:
        db.execute("UPDATE entries SET body = 'before and after' WHERE id = ?", (entry_id,))
    db.close()
    assert run("copy", "--to", pg_url).returncode == 0  # the database is still an empty one


def test_an_interrupted_copy_into_postgresql_keeps_nothing(pg_url: str, desk: Path) -> None:
    def interrupt(stage: str, table: str, done: int, total: int) -> None:
        if stage == "check" and table == "revisions":
            raise KeyboardInterrupt

    source = open_store(desk, read_only=True)
    try:
        with pytest.raises(KeyboardInterrupt):
            DeskCopyService(source).copy_to(pg_url, progress=interrupt)
    finally:
        source.close()
    held = server_rows(pg_url)
    assert not held["entries"] and not held["assets"] and not held["revisions"]
    assert len(held["site"]) == 1  # the settings row the empty desk was made with
