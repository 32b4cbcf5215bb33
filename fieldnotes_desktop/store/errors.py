"""Turns SQLite's and the disk's failures into sentences a writer can act on."""

from __future__ import annotations

import errno
import shutil
import sqlite3
import sys
from pathlib import Path

from fieldnotes_desktop.errors import DatabaseError, DatabaseLockedError

# Primary result codes (the low byte of `sqlite_errorcode`), from sqlite3.h.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26

# SQLite says "disk I/O error", not "disk is full", when it cannot grow the -shm or -wal of a
# full disk; below this much free space an I/O error is taken for what it most likely is.
LOW_SPACE_BYTES = 1024 * 1024


def disk_full(path: Path) -> DatabaseError:
    return DatabaseError(f"The disk holding {path} is full; free some space and try again.")


def damaged(path: Path) -> DatabaseError:
    return DatabaseError(
        f"{path} is damaged or is not a Field Notes database; "
        "restore it from a backup or choose another file with --db."
    )


def free_space(path: Path) -> int | None:
    """Bytes free on the disk holding `path` (or its nearest existing folder); None if unknown."""
    for folder in (path, *path.parents):
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return None


def nearly_full(path: Path) -> bool:
    free = free_space(path)
    return free is not None and free < LOW_SPACE_BYTES


def _unwrapped(exc: BaseException) -> BaseException:
    """The sqlite3 error inside SQLAlchemy's wrapper, or `exc` itself."""
    # Not imported here: the read path of `fieldnotes search` runs without SQLAlchemy, and an
    # exception can only be SQLAlchemy's once something else has imported it.
    if "sqlalchemy.exc" not in sys.modules:
        return exc
    from sqlalchemy.exc import DBAPIError

    return exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc


def translate_sqlite_error(exc: BaseException, path: Path) -> DatabaseError:
    original = _unwrapped(exc)
    if isinstance(original, OSError):
        return translate_os_error(original, path)
    code = getattr(original, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(original).lower()
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return DatabaseLockedError(
            f"The database {path} is busy in another program; close it there and try again."
        )
    if primary == SQLITE_FULL or "disk is full" in text:
        return disk_full(path)
    if primary in (SQLITE_IOERR, SQLITE_CANTOPEN) and nearly_full(path):
        return disk_full(path)
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or "not a database" in text or "malformed" in text:
        return damaged(path)
    if primary in (SQLITE_READONLY, SQLITE_CANTOPEN) or "readonly" in text or "unable to open" in text:
        return DatabaseError(
            f"Cannot write to {path}; check that the file and its folder are writable."
        )
    if isinstance(original, sqlite3.IntegrityError):
        return DatabaseError(f"The database refused a change: {original}.")
    return DatabaseError(f"The database {path} reported an error: {original}.")


def translate_os_error(exc: OSError, path: Path) -> DatabaseError:
    """A failed copy, rename or read of a database file (or of a backup) as one sentence."""
    where = Path(exc.filename) if isinstance(exc.filename, str) else path
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return disk_full(where)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return DatabaseError(f"Permission to use {where} was denied; check who owns the file and its folder.")
    if exc.errno == errno.EROFS:
        return DatabaseError(f"{where} is on a read-only disk; choose another place for it.")
    return DatabaseError(f"Cannot use {where}: {exc.strerror or exc}; check the path and try again.")
