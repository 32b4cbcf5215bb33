"""Kept sections read straight from the database file, for processes without a store: an export's workers.

A worker builds its pages from the sections the database keeps (store/render_cache.py writes
them); reading them here spares the exporting process fetching, decompressing and sending
them. Read-only, with plain sqlite3 (a worker imports no SQLAlchemy), and never an error:
whatever cannot be read is a miss, and the section is rendered again. Rows are found by the
hash of their source, so a row written since the export's snapshot is as good as any.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Sequence
from pathlib import Path

_CHUNK = 500  # keys per statement, as in store/render_cache.py
_TIMEOUT_S = 5.0  # a writer's transaction holds no reader back in WAL mode; a checkpoint may


class SectionFile:
    """The kept sections of one database file; the connection opens on the first read."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._db: sqlite3.Connection | None = None

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """The payloads held for `keys`; keys not held, or not readable, are left out."""
        found: dict[str, str] = {}
        try:
            db = self._connection()
            for start in range(0, len(keys), _CHUNK):
                chunk = list(keys[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT key, payload FROM rendered_sections WHERE key IN ({marks})", chunk)
                for key, stored in rows:
                    try:
                        found[key] = zlib.decompress(stored).decode("utf-8")
                    except (zlib.error, UnicodeDecodeError, TypeError):
                        continue  # a damaged row: rendered again
        except sqlite3.Error:
            self.close()  # opened again by the next read, if the file can be read by then
        return found

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            uri = f"{self._path.resolve().as_uri()}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, timeout=_TIMEOUT_S, check_same_thread=False)
        return self._db
