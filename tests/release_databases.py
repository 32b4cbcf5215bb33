"""Databases as earlier releases left them, built with those releases' own migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine

from fieldnotes_desktop.store.engine import migrate_and_stamp

# The schema the last release wrote: no entry versions yet.
LAST_RELEASE_REVISION = "0001"


def database_at(path: Path, revision: str = LAST_RELEASE_REVISION, *, stamped: bool = True) -> Path:
    """A database at `revision`, in WAL mode; `stamped` False leaves its application id 0, as
    releases before the stamp did (only ever at 0001)."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            migrate_and_stamp(connection, revision)
    finally:
        engine.dispose()
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        if not stamped:
            db.execute("PRAGMA application_id = 0")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return path


def add_old_entry(path: Path, title: str, body: str = "") -> int:
    """Stores an entry with plain SQL, as a release before entry versions would have."""
    slug = title.lower().replace(" ", "-")
    db = sqlite3.connect(path)
    try:
        with db:
            cursor = db.execute(
                "INSERT INTO entries (uuid, title, slug, body, date, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, '2025-01-19', '2025-01-19 09:00:00', '2025-01-19 09:00:00')",
                (f"00000000-0000-4000-8000-{abs(hash(title)) % 10**12:012d}", title, slug, body),
            )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(cursor.lastrowid or 0)
    finally:
        db.close()
