"""Kept sections read from the database file by a process without a store (an export's worker)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.store.section_file import SectionFile


def test_a_worker_reads_what_the_store_keeps_and_treats_the_rest_as_misses(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    services = open_services(db)
    try:
        services.exports.section_cache.put_many({"a" * 32: '[[["<p>kept</p>"],[]]]', "b" * 32: "[]"})
        reader = SectionFile(db)
        # read while the app holds the database open, in more keys than one statement takes
        wanted = ["a" * 32, "b" * 32, "c" * 32] + [f"{n:032x}" for n in range(1200)]
        assert reader.get_many(wanted) == {"a" * 32: '[[["<p>kept</p>"],[]]]', "b" * 32: "[]"}
        with sqlite3.connect(db) as raw:  # a damaged row is a miss, not an error
            raw.execute("UPDATE rendered_sections SET payload = x'00ff' WHERE key = ?", ("b" * 32,))
        assert reader.get_many(["a" * 32, "b" * 32]) == {"a" * 32: '[[["<p>kept</p>"],[]]]'}
        reader.close()
    finally:
        services.close()


def test_a_file_that_cannot_be_read_holds_nothing(tmp_path: Path) -> None:
    assert SectionFile(tmp_path / "missing.db").get_many(["a" * 32]) == {}
    (tmp_path / "other.db").write_bytes(b"not a database at all" * 100)
    assert SectionFile(tmp_path / "other.db").get_many(["a" * 32]) == {}
    assert not (tmp_path / "missing.db").exists()  # read-only: nothing is created
