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


def folder_digests(folder: Path) -> dict[str, str]:
    """Every file in the folder by name, with its digest: to see that nothing was changed or added."""
    return {p.name: file_digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def application_id(path: Path) -> int:
    """The 32-bit id at offset 68 of the header, read from the bytes, not through SQLite."""
    with path.open("rb") as handle:
        header = handle.read(100)
    return int.from_bytes(header[68:72], "big")


def leave_wal_behind(source: Path, target: Path, *statements: str) -> Path:
    """`target` as a crash would leave it: `source` after `statements`, whose commits are only in a
    -wal beside it, and no -shm (nobody has it open any more)."""
    import shutil

    writer = sqlite3.connect(source, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")  # so the commits stay in the -wal
        for statement in statements:
            writer.execute(statement)
        shutil.copyfile(source, target)
        shutil.copyfile(source.with_name(source.name + "-wal"), target.with_name(target.name + "-wal"))
    finally:
        writer.close()
    return target
