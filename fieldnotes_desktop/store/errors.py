"""Turns SQLite's failures into sentences a writer can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from fieldnotes_desktop.errors import DatabaseError, DatabaseLockedError


def translate_sqlite_error(exc: BaseException, path: Path) -> DatabaseError:
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(original).lower()
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(
            f"The database {path} is busy in another program; close it there and try again."
        )
    if "disk is full" in text or "database or disk is full" in text:
        return DatabaseError(
            f"The disk holding {path} is full; free some space and your changes will be saved."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseError(
            f"{path} is damaged or is not a Field Notes database; "
            "restore it from a backup or choose another file with --db."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return DatabaseError(
            f"Cannot write to {path}; check that the file and its folder are writable."
        )
    if isinstance(original, sqlite3.IntegrityError):
        return DatabaseError(f"The database refused a change: {original}.")
    return DatabaseError(f"The database {path} reported an error: {original}.")
