"""Looks inside database files with plain sqlite3, independent of the code under test."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def schema_names(path: Path, kind: str) -> set[str]:
    """Names of the tables, triggers or indexes in the file."""
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type=?", (kind,))}
    finally:
        db.close()
