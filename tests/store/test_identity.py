"""Which files are ours (application id, then table set), and how read-only opens leave every file alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import fieldnotes_desktop.store.engine as engine_module
from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.store import open_store
from fieldnotes_desktop.store.identity import APPLICATION_ID

from release_databases import database_at
from store_helpers import application_id, file_digest, folder_digests, leave_wal_behind, schema_names

GEOPACKAGE_ID = 0x47504B47  # "GPKG": an id another program stamps


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and "Traceback" not in message


def unstamped_release_database(path: Path) -> Path:
    """A database as the releases before the stamp wrote it: revision 0001 and application id 0."""
    database_at(path, "0001", stamped=False)
    assert application_id(path) == 0
    return path


def other_program(path: Path, *statements: str) -> Path:
    db = sqlite3.connect(path)
    with db:
        for statement in statements:
            db.execute(statement)
    db.close()
    return path


# -- our stamp -----------------------------------------------------------------------------


def test_a_new_database_is_stamped_with_our_application_id(db_path: Path) -> None:
    open_store(db_path).close()
    assert application_id(db_path) == APPLICATION_ID


def test_an_unstamped_database_opens_and_is_stamped_and_migrated_on_the_first_write_open(db_path: Path) -> None:
    unstamped_release_database(db_path)
    store = open_store(db_path)
    store.close()
    assert application_id(db_path) == APPLICATION_ID
    assert revision_of(db_path) == engine_module.head_revision()
    (aside,) = db_path.parent.glob("*.bak")  # the migration copied it aside first, unstamped as it was
    assert aside.name.startswith("fieldnotes.db.before-0001-")
    assert application_id(aside) == 0 and revision_of(aside) == "0001"


def test_an_unstamped_database_at_a_later_revision_than_0001_is_not_ours(db_path: Path) -> None:
    open_store(db_path).close()  # at the current revision
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA application_id = 0")
    db.close()
    # Unstamped at a revision later than 0001: no release wrote such a file, so it is not ours.
    with pytest.raises(DatabaseError, match="another program"):
        open_store(db_path)
    assert list(db_path.parent.glob("*.bak")) == []


def test_a_stamped_database_of_the_last_release_is_backed_up_then_migrated(db_path: Path) -> None:
    database_at(db_path, "0001", stamped=True)
    open_store(db_path).close()
    assert revision_of(db_path) == engine_module.head_revision()
    (aside,) = db_path.parent.glob("*.bak")
    assert revision_of(aside) == "0001" and application_id(aside) == APPLICATION_ID


def revision_of(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return str(db.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        db.close()


def test_a_database_of_the_last_release_is_refused_read_only_without_being_stamped(db_path: Path) -> None:
    # Read-only opens never migrate, and every unstamped file is at 0001, an older schema.
    unstamped_release_database(db_path)
    before = folder_digests(db_path.parent)
    with pytest.raises(DatabaseError) as caught:
        open_store(db_path, read_only=True)
    assert "older version" in str(caught.value) and one_sentence(str(caught.value))
    assert folder_digests(db_path.parent) == before


# -- other programs' files -----------------------------------------------------------------

FOREIGN = {
    "empty-alembic-version": (
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)",
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
    ),
    "only-an-empty-alembic-version": (
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
    ),
    "alembic-version-0001-with-other-tables": (
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)",
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('0001')",
    ),
    "alembic-version-of-its-own": (
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY)",
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('ae1027a6acf')",
    ),
    "some-of-our-table-names-at-0001": (
        "CREATE TABLE entries (id INTEGER PRIMARY KEY, title TEXT)",
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('0001')",
    ),
}


@pytest.mark.parametrize("case", sorted(FOREIGN))
@pytest.mark.parametrize("read_only", [False, True], ids=["write", "read-only"])
def test_a_database_of_another_program_is_refused_whatever_its_alembic_version(
    db_path: Path, case: str, read_only: bool
) -> None:
    other_program(db_path, *FOREIGN[case])
    before = folder_digests(db_path.parent)
    with pytest.raises(DatabaseError) as caught:
        open_store(db_path, read_only=read_only)
    message = str(caught.value)
    assert "of another program, not of Field Notes" in message
    assert one_sentence(message)
    assert folder_digests(db_path.parent) == before  # byte-identical, nothing beside it


def test_our_tables_under_another_programs_application_id_are_refused(db_path: Path) -> None:
    open_store(db_path).close()
    db = sqlite3.connect(db_path)
    db.execute(f"PRAGMA application_id = {GEOPACKAGE_ID}")
    db.close()
    before = folder_digests(db_path.parent)
    with pytest.raises(DatabaseError, match="another program"):
        open_store(db_path)
    assert folder_digests(db_path.parent) == before


# -- leftovers of a program that did not close the file ------------------------------------


def test_a_newer_database_with_a_leftover_wal_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    open_store(source).close()
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    # The newer version's stamp is only in the -wal: reading the main file alone would miss it.
    path = leave_wal_behind(
        source, crashed / "fieldnotes.db", "UPDATE alembic_version SET version_num = '9999_later'"
    )
    before = folder_digests(crashed)
    assert sorted(before) == ["fieldnotes.db", "fieldnotes.db-wal"]
    for read_only in (False, True):
        with pytest.raises(DatabaseError) as caught:
            open_store(path, read_only=read_only)
        assert "newer version" in str(caught.value)
        assert folder_digests(crashed) == before  # no -shm appeared, not a byte changed


def test_another_programs_database_with_a_leftover_wal_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    source = other_program(tmp_path / "source.db", "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    path = leave_wal_behind(source, crashed / "contacts.db", "INSERT INTO contacts (name) VALUES ('Ada')")
    before = folder_digests(crashed)
    with pytest.raises(DatabaseError, match="another program"):
        open_store(path)
    assert folder_digests(crashed) == before


def test_our_database_with_a_leftover_wal_reads_its_last_commits_without_changing_the_file(
    tmp_path: Path,
) -> None:
    source = tmp_path / "source.db"
    open_store(source).close()
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    path = leave_wal_behind(source, crashed / "fieldnotes.db", "UPDATE site SET title = 'Last saved'")
    main_before = file_digest(path)
    store = open_store(path, read_only=True)
    with store.transaction() as session:
        assert session.connection().exec_driver_sql("SELECT title FROM site").scalar() == "Last saved"
    store.close()
    assert file_digest(path) == main_before


# -- read-only opens -----------------------------------------------------------------------


def test_a_read_only_open_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "not" / "there.db"
    with pytest.raises(DatabaseError) as caught:
        open_store(path, read_only=True)
    assert "There is no database at" in str(caught.value)
    assert one_sentence(str(caught.value))
    assert not (tmp_path / "not").exists()


@pytest.mark.parametrize("read_only", [True, False], ids=["read-only", "no-create"])
def test_a_zero_byte_file_stays_zero_bytes_unless_the_open_may_create(db_path: Path, read_only: bool) -> None:
    db_path.touch()
    with pytest.raises(DatabaseError, match="There is no database at"):
        open_store(db_path, read_only=read_only, create=False)
    assert db_path.stat().st_size == 0
    assert [p.name for p in db_path.parent.iterdir()] == [db_path.name]


@pytest.mark.parametrize("read_only", [True, False], ids=["read-only", "no-create"])
def test_an_sqlite_file_without_tables_is_initialised_only_by_an_open_that_may_create(
    db_path: Path, read_only: bool
) -> None:
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA user_version = 3")
    db.close()
    before = folder_digests(db_path.parent)
    with pytest.raises(DatabaseError, match="empty SQLite file"):
        open_store(db_path, read_only=read_only, create=False)
    assert folder_digests(db_path.parent) == before
    open_store(db_path).close()  # a writing command may start a database in it
    assert "entries" in schema_names(db_path, "table")


def test_a_read_only_open_reads_and_leaves_every_file_as_it_was(db_path: Path) -> None:
    store = open_store(db_path)
    with store.transaction() as session:
        session.connection().exec_driver_sql("UPDATE site SET title = 'Kept'")
    store.close()
    before = folder_digests(db_path.parent)
    assert sorted(before) == [db_path.name]

    reader = open_store(db_path, read_only=True)
    try:
        with reader.transaction() as session:
            assert session.connection().exec_driver_sql("SELECT title FROM site").scalar() == "Kept"
        with pytest.raises(DatabaseError):
            with reader.transaction() as session:
                session.connection().exec_driver_sql("UPDATE site SET title = 'Changed'")
    finally:
        reader.close()
    assert folder_digests(db_path.parent) == before  # no -wal, no -shm, not a byte changed


def test_a_read_only_open_of_an_older_schema_says_how_to_upgrade(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(db_path).close()
    before = folder_digests(db_path.parent)
    monkeypatch.setattr(engine_module, "head_revision", lambda: "0002_a_later_schema")
    with pytest.raises(DatabaseError) as caught:
        open_store(db_path, read_only=True)
    message = str(caught.value)
    assert "older version" in message and "open it in the app once" in message
    assert one_sentence(message)
    assert folder_digests(db_path.parent) == before
