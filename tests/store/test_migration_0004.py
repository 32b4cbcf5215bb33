"""Migration 0004 (prefix indexes for search) on a database at 0003: every entry still found, in the same order."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.store import open_store
from fieldnotes_desktop.store import search as fts

from release_databases import add_old_entry, database_at
from store_helpers import schema_names

# Words sharing two- and three-letter beginnings, so that short prefixes match several of them.
WORDS = ["serac", "sera", "seraph", "moraine", "moral", "mor", "col", "cols", "cornice", "corn", "tarn", "ta"]
QUERIES = ["se", "ser", "sera", "mo", "mor", "co", "col", "ta", "tarn", "ser mo", "col co", "corn ", '"moral serac"']


def fill(path: Path, count: int) -> list[int]:
    """`count` entries stored with plain SQL as at 0003, some summarised, every ninth in the trash."""
    rng = random.Random(11)
    db = sqlite3.connect(path)
    try:
        with db:
            for n in range(count):
                db.execute(
                    "INSERT INTO entries (uuid, title, slug, body, summary, date, created_at, updated_at, trashed_at) "
                    "VALUES (?, ?, ?, ?, ?, '2025-01-19', '2025-01-19 09:00:00', '2025-01-19 09:00:00', ?)",
                    (
                        f"00000000-0000-4000-8000-{n:012d}",
                        f"{rng.choice(WORDS).title()} {n}",
                        f"entry-{n}",
                        " ".join(rng.choices(WORDS, k=rng.randint(3, 40))),
                        "serac col" if n % 5 == 0 else "",
                        "2025-01-20 09:00:00" if n % 9 == 0 else None,
                    ),
                )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return [row[0] for row in db.execute("SELECT id FROM entries ORDER BY id")]
    finally:
        db.close()


def searched(path: Path, include_trashed: bool = False) -> dict[str, list[tuple[int, str, float | None]]]:
    """Each query's matches (id, snippet, rank) as the store's search gives them, read with plain sqlite3."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            query: [
                (m.entry_id, m.snippet, m.rank)
                for m in fts.first_reading(query, lambda match: fts.run_on(db, match, 50, include_trashed))
            ]
            for query in QUERIES
        }
    finally:
        db.close()


def fts_declaration(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_fts'").fetchone()
        return str(sql)
    finally:
        db.close()


@pytest.mark.parametrize("ranked", [fts.RANKED_MATCHES, 30], ids=["all-ranked", "newest-first-beyond-30"])
def test_every_entry_is_found_as_before_with_the_same_snippets_and_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ranked: int
) -> None:
    # With a cap of 30, most queries take the newest-first path and its snippet passes too.
    monkeypatch.setattr(fts, "RANKED_MATCHES", ranked)
    path = database_at(tmp_path / "fieldnotes.db", "0003")
    ids = fill(path, 400)
    before = searched(path), searched(path, include_trashed=True)
    assert "prefix" not in fts_declaration(path)
    assert any(len(found) == 50 for found in before[0].values())  # some queries match more than shown
    assert any(found and found[0][2] is None for found in before[0].values()) == (ranked == 30)

    services = open_services(path)
    try:
        assert services.entries.count() == len(ids) - len(range(0, 400, 9))
    finally:
        services.close()
    assert "prefix='2 3'" in fts_declaration(path)
    assert (searched(path), searched(path, include_trashed=True)) == before
    db = sqlite3.connect(path)
    try:
        every_title = "ta* OR ser* OR mo* OR co*"  # two and three letters: read from the new indexes
        found = db.execute("SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?", (every_title,))
        indexed = {row[0] for row in found}
        assert indexed == set(ids)  # trashed entries stay indexed, as the triggers always kept them
        db.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES('integrity-check', 1)")
    finally:
        db.close()
    (aside,) = tmp_path.glob("fieldnotes.db.before-0003-*.bak")
    assert "prefix" not in fts_declaration(aside)  # the copy is as it was


def test_the_triggers_keep_the_new_index(tmp_path: Path) -> None:
    path = database_at(tmp_path / "fieldnotes.db", "0003")
    entry_id = add_old_entry(path, "Written at 0003", "the serac at dawn")
    services = open_services(path)
    try:
        assert [h.entry.id for h in services.entries.search("se")] == [entry_id]
        services.entries.update(entry_id, EntryFields(body="the moraine at noon"), base_version=1)
        assert [h.entry.id for h in services.entries.search("mo")] == [entry_id]
        assert services.entries.search("se") == []
        created = services.entries.create(EntryFields(title="Tarn", body="a col"))
        assert [h.entry.id for h in services.entries.search("ta")] == [created.id]
    finally:
        services.close()


def test_the_migrated_index_matches_a_new_one(tmp_path: Path) -> None:
    migrated = database_at(tmp_path / "old.db", "0003")
    open_store(migrated).close()
    fresh = tmp_path / "new.db"
    open_store(fresh).close()
    assert fts_declaration(migrated) == fts_declaration(fresh)
    for kind in ("table", "trigger", "index"):
        assert schema_names(migrated, kind) == schema_names(fresh, kind)


def test_a_last_release_database_goes_all_the_way(tmp_path: Path) -> None:
    path = database_at(tmp_path / "fieldnotes.db")  # 0001: every migration in one open
    entry_id = add_old_entry(path, "Written long ago", "the cornice at dusk")
    services = open_services(path)
    try:
        assert [h.entry.id for h in services.entries.search("co")] == [entry_id]
        assert [h.entry.id for h in services.entries.search("cor")] == [entry_id]
    finally:
        services.close()
