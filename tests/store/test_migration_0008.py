"""Migration 0008 (scheduled status) widens the entries' status check in place: nothing else moves."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fieldnotes_desktop.store import open_store

from release_databases import LAST_RELEASE_REVISION, add_old_entry, database_at
from store_helpers import schema_names
from test_migration_0005 import columns


def _set_status(path: Path, status: str) -> None:
    db = sqlite3.connect(path)
    try:
        with db:
            db.execute("UPDATE entries SET status = ?", (status,))
    finally:
        db.close()


def _count(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        db.close()


@pytest.mark.parametrize("revision", ["0007", LAST_RELEASE_REVISION])
def test_an_older_desk_takes_scheduled_and_keeps_its_tags_revisions_and_index(tmp_path: Path, revision: str) -> None:
    path = database_at(tmp_path / "old.db", revision)
    entry_id = add_old_entry(path, "Before the schedule", "the scree at noon")
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO tags (name) VALUES ('alps')")
        db.execute("INSERT INTO entry_tags VALUES (?, 1)", (entry_id,))
        db.execute("INSERT INTO revisions (entry_id, title, body, reason, words, created_at) "
                   "VALUES (?, 't', 'b', 'manual', 1, '2025-01-19 09:00:00')", (entry_id,))
    db.close()
    with pytest.raises(sqlite3.IntegrityError):
        _set_status(path, "scheduled")  # refused before the migration
    open_store(path).close()
    _set_status(path, "scheduled")
    with pytest.raises(sqlite3.IntegrityError, match="ck_entries_status"):
        _set_status(path, "someday")  # still checked
    assert (_count(path, "entry_tags"), _count(path, "revisions")) == (1, 1)
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT rowid FROM entries_fts WHERE entries_fts MATCH 'scree'").fetchall() == [(entry_id,)]
    finally:
        db.close()


def test_the_migrated_entries_table_matches_a_new_one(tmp_path: Path) -> None:
    migrated = database_at(tmp_path / "old.db", "0007")
    open_store(migrated).close()
    fresh = tmp_path / "new.db"
    open_store(fresh).close()
    assert columns(migrated, "entries") == columns(fresh, "entries")
    for kind in ("table", "trigger", "index"):
        assert schema_names(migrated, kind) == schema_names(fresh, kind)
    declarations = []
    for path in (migrated, fresh):
        db = sqlite3.connect(path)
        declarations.append(db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries'").fetchone()[0])
        db.close()
    assert declarations[0] == declarations[1]
    assert "CHECK (status IN ('draft', 'finished', 'scheduled'))" in declarations[0]
