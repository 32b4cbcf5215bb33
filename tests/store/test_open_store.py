"""Opening the database file: first migration, pragmas, refusal of foreign/newer files, backups, locks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import event, text

import fieldnotes_desktop.store.engine as engine_module
from fieldnotes_desktop.errors import DatabaseError, DatabaseLockedError
from fieldnotes_desktop.store import open_store

from store_helpers import file_digest, schema_names

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.before-*.bak"))


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and "Traceback" not in message


# -- first open ----------------------------------------------------------------------------


def test_nonexistent_file_in_missing_folder_is_created_with_the_whole_schema(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there.db"
    open_store(path).close()

    assert path.is_file()
    tables = schema_names(path, "table")
    assert {"entries", "tags", "entry_tags", "revisions", "assets", "site", "alembic_version"} <= tables
    assert "entries_fts" in tables
    assert {"entries_fts_ai", "entries_fts_ad", "entries_fts_au"} <= schema_names(path, "trigger")
    db = sqlite3.connect(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(engine_module.head_revision(),)]
    assert db.execute("SELECT title FROM site WHERE id = 1").fetchone() == ("Field Notes",)
    db.close()
    assert backups_of(path) == []  # nothing existed, so there was nothing to back up


def test_zero_byte_file_counts_as_new(db_path: Path) -> None:
    db_path.touch()
    open_store(db_path).close()
    assert "entries" in schema_names(db_path, "table")
    assert backups_of(db_path) == []


def test_fts_table_is_external_content_fts5(db_path: Path) -> None:
    open_store(db_path).close()
    db = sqlite3.connect(db_path)
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_fts'").fetchone()
    db.close()
    assert "fts5" in sql.lower()
    assert "content='entries'" in sql


def test_every_connection_gets_wal_foreign_keys_and_full_sync(db_path: Path) -> None:
    # FULL, not NORMAL: in WAL mode only FULL fsyncs the WAL at each commit, so a saved change
    # survives a power cut (DESIGN §4 said NORMAL; "Saved" meaning on disk wins).
    store = open_store(db_path)
    try:
        # Two connections at once: the pragmas are set per connection, not once per file.
        with store.engine.connect() as first, store.engine.connect() as second:
            for connection in (first, second):
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
                assert connection.execute(text("PRAGMA busy_timeout")).scalar() == engine_module.BUSY_TIMEOUT_MS
    finally:
        store.close()


def test_full_sync_writes_with_synchronous_full_and_keeps_it(db_path: Path) -> None:
    store = open_store(db_path)
    try:
        with store.full_sync() as session:
            session.execute(text("INSERT INTO tags (name) VALUES ('snapshot')"))
            assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        with store.transaction() as session:
            assert session.execute(text("SELECT name FROM tags")).scalars().all() == ["snapshot"]
            assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert store.engine.pool.checkedin() == 1  # the same pooled connection, still FULL
    finally:
        store.close()


def test_full_sync_rolls_back_on_error_and_keeps_full(db_path: Path) -> None:
    store = open_store(db_path)
    try:
        with pytest.raises(DatabaseError) as caught:
            with store.full_sync() as session:
                session.execute(text("INSERT INTO tags (name) VALUES ('twice')"))
                session.execute(text("INSERT INTO tags (name) VALUES ('twice')"))
        assert "UNIQUE" in str(caught.value)  # the real failure, not one from the cleanup
        with store.transaction() as session:
            assert session.execute(text("SELECT count(*) FROM tags")).scalar() == 0
            assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        store.close()


def test_foreign_keys_are_enforced(db_path: Path) -> None:
    store = open_store(db_path)
    try:
        with pytest.raises(DatabaseError):
            with store.transaction() as session:
                session.execute(
                    text(
                        "INSERT INTO revisions (entry_id, title, body, reason, words, created_at) "
                        "VALUES (4242, 't', 'b', 'manual', 0, '2025-01-01 00:00:00')"
                    )
                )
    finally:
        store.close()


def test_reopening_an_up_to_date_file_changes_nothing_and_makes_no_backup(db_path: Path) -> None:
    open_store(db_path).close()
    before = file_digest(db_path)
    store = open_store(db_path)
    store.close()
    assert backups_of(db_path) == []
    assert file_digest(db_path) == before


# -- refusals ------------------------------------------------------------------------------


def test_newer_database_is_refused_and_left_byte_identical(newer_db: Path) -> None:
    before = file_digest(newer_db)
    with pytest.raises(DatabaseError) as caught:
        open_store(newer_db)
    message = str(caught.value)
    assert "newer" in message and "update" in message
    assert one_sentence(message)
    assert file_digest(newer_db) == before
    assert backups_of(newer_db) == []
    assert sorted(p.name for p in newer_db.parent.iterdir()) == [newer_db.name]  # no -wal, no -shm


@pytest.mark.parametrize(
    "content",
    [b"# My notes\n\nJust a Markdown file, not a database.\n", PNG_BYTES, b"SQLite"],
    ids=["text", "png", "short"],
)
def test_a_file_that_is_not_sqlite_is_refused_and_left_byte_identical(
    db_path: Path, content: bytes
) -> None:
    db_path.write_bytes(content)
    with pytest.raises(DatabaseError) as caught:
        open_store(db_path)
    assert "not a Field Notes database" in str(caught.value)
    assert one_sentence(str(caught.value))
    assert db_path.read_bytes() == content
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_a_database_of_another_program_is_refused_and_left_byte_identical(db_path: Path) -> None:
    db = sqlite3.connect(db_path)
    with db:
        db.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO contacts (name) VALUES ('Ada')")
    db.close()
    before = file_digest(db_path)
    with pytest.raises(DatabaseError) as caught:
        open_store(db_path)
    assert "another program" in str(caught.value)
    assert file_digest(db_path) == before
    assert schema_names(db_path, "table") == {"contacts"}


@pytest.mark.parametrize("wreck", ["pages", "header"])
def test_a_damaged_database_is_refused_and_left_byte_identical(db_path: Path, wreck: str) -> None:
    open_store(db_path).close()
    raw = bytearray(db_path.read_bytes())
    if wreck == "pages":
        raw[100:] = b"\xa5" * (len(raw) - 100)  # keep the header, wreck every page: SQLITE_CORRUPT
    else:
        raw[16:100] = b"\xa5" * 84  # keep the magic, wreck the rest of the header: SQLITE_NOTADB
    db_path.write_bytes(bytes(raw))
    with pytest.raises(DatabaseError) as caught:
        open_store(db_path)
    assert "is damaged" in str(caught.value)
    assert one_sentence(str(caught.value))
    assert db_path.read_bytes() == bytes(raw)
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError) as caught:
        open_store(tmp_path)
    assert "folder" in str(caught.value)


# -- backups and migrations ----------------------------------------------------------------


def test_an_existing_file_is_backed_up_before_a_migration_runs(db_path: Path) -> None:
    # An SQLite file with no tables is "empty" and gets the first migration; it is not blank on
    # disk, so it must be copied aside first.
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA user_version = 7")  # writes the header: a real, non-empty SQLite file
    db.close()
    assert db_path.stat().st_size > 0
    original = db_path.read_bytes()

    open_store(db_path).close()

    (backup,) = backups_of(db_path)
    assert "before-empty" in backup.name
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA user_version").fetchone() == (7,)
    assert copy.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    copy.close()
    assert db_path.read_bytes() != original  # the original was migrated in place
    assert "entries" in schema_names(db_path, "table")


def test_a_failed_migration_leaves_no_half_built_schema(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_create_engine = sqlalchemy.create_engine  # the store imports it where it makes an engine

    def engine_failing_at_fts(*args, **kwargs):  # type: ignore[no-untyped-def]
        engine = real_create_engine(*args, **kwargs)

        @event.listens_for(engine, "before_cursor_execute")
        def _fail(conn, cursor, statement, *rest):  # type: ignore[no-untyped-def]
            if statement.startswith("CREATE VIRTUAL TABLE"):
                raise sqlite3.OperationalError("simulated failure half-way through the migration")

        return engine

    monkeypatch.setattr(sqlalchemy, "create_engine", engine_failing_at_fts)
    with pytest.raises(DatabaseError):
        open_store(db_path)
    monkeypatch.undo()

    # The migration ran in one transaction: nothing of it stayed, so the next open succeeds.
    assert schema_names(db_path, "table") == set()
    open_store(db_path).close()
    assert "entries_fts" in schema_names(db_path, "table")


# -- locks ---------------------------------------------------------------------------------


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)


def test_a_write_while_another_program_holds_the_lock_is_a_locked_error(
    db_path: Path, short_busy_timeout: None
) -> None:
    store = open_store(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseLockedError) as caught:
            with store.transaction() as session:
                session.execute(text("UPDATE site SET title = 'Changed' WHERE id = 1"))
        message = str(caught.value)
        assert "busy in another program" in message
        assert one_sentence(message)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()
    db = sqlite3.connect(db_path)
    assert db.execute("SELECT title FROM site").fetchone() == ("Field Notes",)
    db.close()


def test_opening_a_file_locked_by_another_program_is_a_locked_error(
    db_path: Path, short_busy_timeout: None
) -> None:
    # A rollback-journal file (as another tool might leave it) with an exclusive lock held:
    # not even reading its schema is possible.
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("PRAGMA user_version = 1")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseLockedError) as caught:
            open_store(db_path)
        assert one_sentence(str(caught.value))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
