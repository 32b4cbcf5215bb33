"""Writes a consistent copy of a database with SQLite's online backup API: whole and checked, or not at all."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.store.doctor import quick_check

PARTIAL_SUFFIX = ".partial"


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Copies `source` to `target`; a kill or a failure leaves the old `target` (or none), never half a copy.

    The copy is written under a temporary name in the target's folder, checked, flushed to the
    disk and only then renamed into place, so the name of a backup always means a good one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        with contextlib.closing(sqlite3.connect(temp)) as copy:
            # One step (pages=-1) copies under one read transaction: a consistent snapshot even
            # while the app keeps writing through other connections.
            source.backup(copy)
            # The copy takes the source's WAL mode; a backup in rollback-journal mode stands
            # alone, and opening it later leaves no -wal or -shm beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            report = quick_check(copy)
        if not report.ok:
            raise DatabaseError(
                f"The copy for {target} failed its check ({report.problems[0]}); no backup was kept."
            )
        _fsync(temp)
        os.replace(temp, target)
        fsync_dir(target.parent)
    except BaseException:
        for leftover in (temp, *(temp.with_name(temp.name + s) for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
        raise


def remove_partials(folder: Path) -> None:
    """Temporary copies of a backup that was killed before its rename."""
    if not folder.is_dir():
        return
    for leftover in folder.glob(f".*{PARTIAL_SUFFIX}*"):
        leftover.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Makes a rename durable: without it a power cut can forget the new name."""
    if sys.platform == "win32":
        return  # a folder cannot be opened to flush it there; NTFS journals the rename itself
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
