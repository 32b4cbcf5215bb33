"""Migration 0005 (writing aids) on a database at 0004: entries keep everything, gain a language and a goal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.store import open_store

from release_databases import add_old_entry, database_at
from store_helpers import schema_names


def columns(path: Path, table: str) -> list[tuple[str, str, int, str | None]]:
    db = sqlite3.connect(path)
    try:
        return [(r[1], r[2], r[3], r[4]) for r in db.execute(f"PRAGMA table_info({table})")]
    finally:
        db.close()


def test_an_entry_written_at_0004_reads_with_the_site_language_and_no_goal(tmp_path: Path) -> None:
    path = database_at(tmp_path / "fieldnotes.db", "0004")
    entry_id = add_old_entry(path, "Before the aids", "the col at dusk")
    services = open_services(path)
    try:
        old = services.entries.get(entry_id)
        assert (old.title, old.body, old.language, old.word_goal) == ("Before the aids", "the col at dusk", "", None)
        assert services.site.get().typography == "smart"
        changed = services.entries.update(entry_id, EntryFields(language="de", word_goal=800))
        assert (changed.language, changed.word_goal) == ("de", 800)
        assert [h.entry.id for h in services.entries.search("dusk")] == [entry_id]  # triggers kept
    finally:
        services.close()


def test_the_migrated_schema_matches_a_new_one(tmp_path: Path) -> None:
    migrated = database_at(tmp_path / "old.db", "0004")
    open_store(migrated).close()
    fresh = tmp_path / "new.db"
    open_store(fresh).close()
    for table in ("entries", "site", "personal_words", "daily_words"):
        assert columns(migrated, table) == columns(fresh, table)
    assert ("language", "TEXT", 1, "''") in columns(fresh, "entries")
    assert ("typography", "TEXT", 1, "'smart'") in columns(fresh, "site")
    for kind in ("table", "trigger", "index"):
        assert schema_names(migrated, kind) == schema_names(fresh, kind)
