"""The import's bulk insert writes every field an entry has, the moved-in ones included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.store import bulk


def test_every_field_of_a_new_entry_reaches_its_row(tmp_path: Path) -> None:
    services = open_services(tmp_path / "notes.db")
    try:
        with services.store.transaction() as session:
            (made,) = bulk.insert_entries(session, [{
                "uuid": "00000000-0000-4000-8000-000000000001", "slug": "col", "title": "Col",
                "date": dt.date(2024, 5, 1), "body": "Scree.", "tags": ["alps"], "language": "de",
                "word_goal": 900, "cover": "ridge.jpg", "author": "Ines", "aliases": ("/2019/05/col/", "/old.html"),
                "published_time": "07:30:00+02:00",
            }], now=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
        entry = services.entries.get(made.id)
    finally:
        services.close()
    assert (entry.language, entry.word_goal, entry.cover, entry.author) == ("de", 900, "ridge.jpg", "Ines")
    assert entry.aliases == ("/2019/05/col/", "/old.html")
    assert (entry.published_time, entry.tags) == ("07:30:00+02:00", ("alps",))
