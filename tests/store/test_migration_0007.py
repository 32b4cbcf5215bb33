"""Migration 0007 (the publish target) on a database at 0006: the site keeps its settings and gains an empty target."""

from __future__ import annotations

from pathlib import Path

from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.store import open_store

from release_databases import database_at
from test_migration_0005 import columns


def test_a_site_written_at_0006_has_no_target_until_one_is_saved(tmp_path: Path) -> None:
    path = database_at(tmp_path / "fieldnotes.db", "0006")
    services = open_services(path)
    try:
        before = services.site.get()
        assert before.publish_to == "" and before.title
        saved = services.site.update(publish_to=str(tmp_path / "www"))
        assert saved.publish_to == str(tmp_path / "www") and saved.title == before.title
    finally:
        services.close()


def test_the_migrated_site_table_matches_a_new_one(tmp_path: Path) -> None:
    migrated = database_at(tmp_path / "old.db", "0006")
    open_store(migrated).close()
    fresh = tmp_path / "new.db"
    open_store(fresh).close()
    assert columns(migrated, "site") == columns(fresh, "site")
    assert ("publish_to", "TEXT", 1, "''") in columns(fresh, "site")
