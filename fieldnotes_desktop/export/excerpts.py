"""The excerpts of an export's pages, kept on disk until the lists that show them are written.

An entry without a summary is listed (index, archives, feed) with an excerpt of its page, and
the lists are written after every page. Held in a dictionary, the excerpts of 100,000 entries
weighed ~55 MB; here they wait in a private temporary database, which SQLite deletes when it
is closed, and memory holds only its small page cache.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, MutableMapping


class Excerpts(MutableMapping[int, str]):
    """Entry id → the excerpt of its page. Used from the thread that made it, like the export."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)  # "": a temporary file, gone on close
        self._db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE excerpts (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"
        )

    def __setitem__(self, entry_id: int, text: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO excerpts VALUES (?, ?)", (entry_id, text))

    def __getitem__(self, entry_id: int) -> str:
        row = self._db.execute("SELECT text FROM excerpts WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise KeyError(entry_id)
        return str(row[0])

    def __delitem__(self, entry_id: int) -> None:
        if self._db.execute("DELETE FROM excerpts WHERE id = ?", (entry_id,)).rowcount == 0:
            raise KeyError(entry_id)

    def __iter__(self) -> Iterator[int]:
        return (entry_id for (entry_id,) in self._db.execute("SELECT id FROM excerpts ORDER BY id"))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM excerpts").fetchone()[0])

    def close(self) -> None:
        self._db.close()
