"""Migration 0002 (entry versions) on a database the last release wrote: copied aside, then upgraded in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.store import open_store

from release_databases import add_old_entry, database_at
from store_helpers import schema_names


def entries_columns(path: Path) -> list[tuple[str, str, int, str | None]]:
    db = sqlite3.connect(path)
    try:
        return [(r[1], r[2], r[3], r[4]) for r in db.execute("PRAGMA table_info(entries)")]
    finally:
        db.close()


@pytest.mark.parametrize("stamped", [True, False], ids=["stamped", "unstamped"])
def test_a_last_release_database_keeps_its_entries_at_version_1(tmp_path: Path, stamped: bool) -> None:
    path = database_at(tmp_path / "fieldnotes.db", "0001", stamped=stamped)
    entry_id = add_old_entry(path, "Written before versions", "the summit at dawn")
    assert "version" not in [name for name, *_ in entries_columns(path)]

    services = open_services(path)
    try:
        old = services.entries.get(entry_id)
        assert (old.title, old.body, old.version) == ("Written before versions", "the summit at dawn", 1)
        assert [h.entry.id for h in services.entries.search("summit")] == [entry_id]  # triggers kept
        changed = services.entries.update(entry_id, EntryFields(body="the ridge at noon"), base_version=1)
        assert changed.version == 2
        assert [h.entry.id for h in services.entries.search("ridge")] == [entry_id]
        assert services.entries.search("summit") == []
    finally:
        services.close()
    (aside,) = tmp_path.glob("fieldnotes.db.before-0001-*.bak")
    assert "version" not in [name for name, *_ in entries_columns(aside)]  # the copy is as it was


def test_the_migrated_table_matches_a_new_one(tmp_path: Path) -> None:
    migrated = database_at(tmp_path / "old.db", "0001")
    open_store(migrated).close()
    fresh = tmp_path / "new.db"
    open_store(fresh).close()
    assert entries_columns(migrated) == entries_columns(fresh)
    assert ("version", "INTEGER", 1, "'1'") in entries_columns(fresh)  # NOT NULL DEFAULT 1
    for kind in ("table", "trigger", "index"):
        assert schema_names(migrated, kind) == schema_names(fresh, kind)
