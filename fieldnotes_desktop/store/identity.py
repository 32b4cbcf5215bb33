"""Tells a Field Notes database from any other file, reading it without changing a byte beside it."""

from __future__ import annotations

import contextlib
import enum
import shutil
import sqlite3
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.store.errors import translate_os_error, translate_sqlite_error

SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_HEADER_SIZE = 32

# Stamped with `PRAGMA application_id` (header offset 68) into every database this app creates
# or opens for writing: "FNDB" in ASCII. A file stamped with another id belongs to another
# program, whatever tables it holds; `file(1)` and other tools can tell ours apart by it too.
APPLICATION_ID = 0x464E4442

# Versions before the stamp left it 0. Such a file is ours only when it holds exactly the
# tables of the last unstamped schema, at that revision: every later revision (0002 on) is
# stamped, since `engine.migrate_and_stamp` stamps in the transaction that migrates.
LAST_UNSTAMPED_REVISION = "0001"
UNSTAMPED_TABLES = frozenset(
    {"entries", "tags", "entry_tags", "revisions", "assets", "site", "entries_fts", "alembic_version"}
)
FTS_SHADOW_TABLES = frozenset(
    {"entries_fts_data", "entries_fts_idx", "entries_fts_docsize", "entries_fts_config", "entries_fts_content"}
)


class NewerDatabaseError(DatabaseError):
    """The file is ours but at a schema revision this version does not know."""


class Kind(enum.Enum):
    NEW = "new"  # missing, or 0 bytes: nothing to keep
    BLANK = "blank"  # an SQLite file without a single table
    OURS = "ours"  # a Field Notes database


@dataclass(frozen=True)
class FileState:
    kind: Kind
    revision: str | None = None
    stamped: bool = False


def sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def wal_has_frames(path: Path) -> bool:
    """True when a -wal beside `path` is longer than its 32-byte header: commits may be in it."""
    try:
        return sibling(path, "-wal").stat().st_size > WAL_HEADER_SIZE
    except OSError:
        return False


def is_wal_mode(header: bytes) -> bool:
    """Header bytes 18-19 are 2 once a file has been switched to WAL."""
    return len(header) > 19 and header[18] == 2


def read_only_uri(path: Path, header: bytes) -> str:
    """A URI that reads `path` and never creates a file beside it, where SQLite allows that."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if is_wal_mode(header) and not wal_has_frames(path):
        # A WAL file with no -wal beside it (or an empty one, as a failed open leaves) is
        # complete on its own; even a read-only connection would leave fresh -wal and -shm
        # files next to it, and `immutable` reads it without creating anything. A writer that
        # starts meanwhile only changes the main file at a checkpoint (1000 pages, or at close).
        uri += "&immutable=1"
    return uri


def read_header(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(100)
    except OSError as exc:
        raise translate_os_error(exc, path) from exc


def inspect_file(path: Path, known_revisions: Collection[str], timeout: float) -> FileState:
    """What `path` holds, read without writing; refuses, with one sentence, a file that is not ours."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return FileState(Kind.NEW)
    except OSError as exc:
        raise translate_os_error(exc, path) from exc
    if size == 0:
        return FileState(Kind.NEW)
    header = read_header(path)
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseError(
            f"{path} is not a Field Notes database (it is not an SQLite file); "
            "choose another file with --db."
        )
    try:
        with _reader(path, header, timeout) as db:
            return _classify(db, path, known_revisions)
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, path) from exc


@contextlib.contextmanager
def _reader(path: Path, header: bytes, timeout: float) -> Iterator[sqlite3.Connection]:
    wal, shm = sibling(path, "-wal"), sibling(path, "-shm")
    if is_wal_mode(header) and wal_has_frames(path) and not shm.exists():
        # A -wal with no -shm is left over by a program that ended without closing the file.
        # Its last commits are only in the -wal, so `immutable` would read stale tables, and a
        # read-only connection would create the -shm. A copy of both is read instead: rare,
        # and it leaves every file here as it was.
        with tempfile.TemporaryDirectory(prefix="fieldnotes-inspect-") as folder:
            copy = Path(folder) / "inspect.db"
            try:
                shutil.copyfile(path, copy)
                shutil.copyfile(wal, sibling(copy, "-wal"))
            except OSError as exc:
                raise translate_os_error(exc, path) from exc
            with contextlib.closing(sqlite3.connect(copy, timeout=timeout)) as db:
                yield db
        return
    uri = read_only_uri(path, header)
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=timeout)) as db:
        yield db


def _classify(db: sqlite3.Connection, path: Path, known: Collection[str]) -> FileState:
    application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    if application_id not in (0, APPLICATION_ID):
        raise _foreign(path)
    objects = db.execute("SELECT type, name FROM sqlite_master").fetchall()
    if not objects:
        return FileState(Kind.BLANK)
    tables = {str(name) for kind, name in objects if kind == "table" and not str(name).startswith("sqlite_")}
    revisions = (
        [str(row[0]) for row in db.execute("SELECT version_num FROM alembic_version")]
        if "alembic_version" in tables
        else None
    )
    if application_id == APPLICATION_ID:
        if revisions is None or len(revisions) != 1:
            raise DatabaseError(
                f"{path} is a Field Notes database without its schema version, so it cannot be "
                "opened safely; restore it from a backup or choose another file with --db."
            )
        if revisions[0] not in known:
            raise _newer(path)
        return FileState(Kind.OURS, revisions[0], stamped=True)
    if tables - UNSTAMPED_TABLES - FTS_SHADOW_TABLES or revisions is None or len(revisions) != 1:
        raise _foreign(path)
    if revisions[0] not in known:
        raise _newer(path)
    if revisions[0] != LAST_UNSTAMPED_REVISION or not UNSTAMPED_TABLES <= tables:
        raise _foreign(path)
    return FileState(Kind.OURS, revisions[0], stamped=False)


def _foreign(path: Path) -> DatabaseError:
    return DatabaseError(
        f"{path} is an SQLite database of another program, not of Field Notes; "
        "choose another file with --db."
    )


def _newer(path: Path) -> DatabaseError:
    return NewerDatabaseError(
        f"{path} was written by a newer version of Field Notes Desktop (or by another "
        "program); update the app to open it — the file was not changed."
    )
