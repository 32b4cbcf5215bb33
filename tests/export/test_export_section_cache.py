"""The database's rendered-section cache: what goes in comes out, damage is a miss, the size is capped."""

from __future__ import annotations

import sqlite3

from fieldnotes_desktop.services import Services
from fieldnotes_desktop.store import render_cache


def test_payloads_come_back_as_they_went_in_and_are_stored_compressed(samples: Services) -> None:
    payload = '[[["<p data-line=\\"", "\\">Ünïcode ✓</p>"], [0]]]' * 50
    samples.exports.section_cache.put_many({"a" * 32: payload})
    assert samples.exports.section_cache.get_many(["a" * 32, "b" * 32]) == {"a" * 32: payload}
    db = sqlite3.connect(samples.db_path)
    try:
        (size,) = db.execute("SELECT length(payload) FROM rendered_sections WHERE key = ?", ("a" * 32,)).fetchone()
    finally:
        db.close()
    assert size < len(payload.encode()) // 4


def test_a_damaged_row_is_a_miss(samples: Services) -> None:
    samples.exports.section_cache.put_many({"a" * 32: "[]", "b" * 32: "[]"})
    db = sqlite3.connect(samples.db_path)
    try:
        with db:
            db.execute("UPDATE rendered_sections SET payload = x'00ff' WHERE key = ?", ("a" * 32,))
    finally:
        db.close()
    assert samples.exports.section_cache.get_many(["a" * 32, "b" * 32]) == {"b" * 32: "[]"}


def test_the_cache_never_holds_more_than_its_cap(samples: Services) -> None:
    samples.exports.section_cache.put_many({f"{n:032x}": "[]" for n in range(50)})
    with samples.store.transaction() as s:
        assert render_cache.trim(s, limit=20) == 30
    with samples.store.transaction() as s:
        assert render_cache.count(s) == 20
