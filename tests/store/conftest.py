"""Fixtures for store tests: real database files in tmp_path."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fieldnotes_desktop.store import open_store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "fieldnotes.db"


@pytest.fixture
def newer_db(tmp_path: Path) -> Path:
    """A Field Notes database stamped with a revision this version does not know."""
    path = tmp_path / "newer.db"
    open_store(path).close()
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path
