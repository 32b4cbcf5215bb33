"""Migration 0006 (moved-in metadata) on a database at 0005: entries keep everything, gain four empty fields."""

from __future__ import annotations

from pathlib import Path

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.store import open_store

from release_databases import add_old_entry, database_at
from store_helpers import schema_names
from test_migration_0005 import columns


def test_an_entry_written_at_0005_reads_with_no_cover_author_or_old_addresses(tmp_path: Path) -> None:
    path = database_at(tmp_path / "fieldnotes.db", "0005")
    entry_id = add_old_entry(path, "Before the move", "the scree at noon")
    services = open_services(path)
    try:
        old = services.entries.get(entry_id)
        assert (old.body, old.cover, old.author, old.aliases, old.published_time) == ("the scree at noon", "", "", (), "")
        changed = services.entries.update(entry_id, EntryFields(aliases=("/2019/05/scree/",)))
        assert changed.aliases == ("/2019/05/scree/",)
        assert [h.entry.id for h in services.entries.search("scree")] == [entry_id]  # triggers kept
    finally:
        services.close()


def test_the_migrated_entries_table_matches_a_new_one(tmp_path: Path) -> None:
    migrated = database_at(tmp_path / "old.db", "0005")
    open_store(migrated).close()
    fresh = tmp_path / "new.db"
    open_store(fresh).close()
    assert columns(migrated, "entries") == columns(fresh, "entries")
    assert ("aliases", "TEXT", 1, "''") in columns(fresh, "entries")
    for kind in ("table", "trigger", "index"):
        assert schema_names(migrated, kind) == schema_names(fresh, kind)
