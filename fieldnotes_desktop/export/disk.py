"""Durable file primitives of the export: atomic replaces, flushes that survive a power cut, a folder lock."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fieldnotes_desktop.errors import ExportFailed

# Temporary files of single-file writes, and of the site writer before it kept a staging folder.
TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.fn-tmp$")


def describe_os_error(exc: OSError, where: Path | str, doing: str = "export") -> str:
    """One sentence a writer can act on, for the ways a disk says no (`doing`: export or publish)."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return f"The disk holding {where} is full; free some space and {doing} again."
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"Field Notes may not write to {where}; choose a folder you can write to."
    if exc.errno == errno.EROFS:
        return f"{where} is on a read-only disk; choose another folder."
    if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return f"{where} is in the way of the {doing} (a file where a folder belongs, or the reverse)."
    return f"Cannot write {where}: {exc.strerror or exc}; choose another folder."


def write_file_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """One file replaced in a single step (the self-contained export): old bytes or new, never half."""
    folder = path.parent
    for leftover in folder.glob(f".{glob_escape(path.name)}.*.fn-tmp"):
        if TEMP_NAME.match(leftover.name):
            leftover.unlink(missing_ok=True)  # our own, from a write that was killed
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fn-tmp", dir=folder)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())  # without it a power cut after the rename can leave an empty file
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def holds(path: Path, data: bytes) -> bool:
    """True when `path` is a plain file with exactly these bytes (read only when the size agrees).

    The disk is asked rather than the manifest, so a page edited by hand is put right again.
    """
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def holds_digest(path: Path, size: int, sha256: str) -> bool:
    """`holds` for bytes known by their size and hash: the file is read a block at a time."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != size:
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while block := handle.read(1 << 16):
                digest.update(block)
        return digest.hexdigest() == sha256
    except OSError:
        return False


def make_dirs(folder: Path) -> None:
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)


def read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing, or torn by a kill before its rename: as if it were not there


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return  # Windows cannot open a folder to flush it; NTFS journals the rename itself
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _load_syncfs() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.syncfs
    except (OSError, AttributeError):
        return None


# One syncfs() makes a whole export durable for the price of one flush; a fsync() per file
# cost 13 % of an export. Elsewhere each staged file is fsynced as it is written.
_SYNCFS = _load_syncfs()
HAS_SYNCFS = _SYNCFS is not None


def sync_filesystem(inside: Path) -> None:
    if _SYNCFS is None:
        fsync_dir(inside)
        return
    fd = os.open(inside, os.O_RDONLY)
    try:
        if _SYNCFS(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(inside))
    finally:
        os.close(fd)


def folder_lock(path: Path, root: Path, busy: str = "") -> IO[bytes]:
    """One export at a time per folder (the app and the command line may both try); `busy` is
    the sentence for another holding it, an ExportFailed saying so by default."""
    handle = open(path, "ab")
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; exports there are not guarded
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        handle.close()
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            if busy:
                raise ExportFailed(busy) from exc
            raise ExportFailed(
                f"Another export is writing to {root} right now; wait for it to finish and export again."
            ) from exc
        raise
    return handle


@dataclass(frozen=True, slots=True)
class StagingFolder:
    """A writer's staging folder, for files written by other processes (an export's workers)."""

    path: Path
    fsync_each: bool  # no syncfs() here: each file is made durable on its own

    def write(self, name: str, data: bytes) -> WrittenFile:
        """Writes `data` as `name` (a name no staged file has: not all digits)."""
        if name.isdigit():
            raise ValueError(f"{name!r} could be a staged file's name")
        with open(self.path / name, "wb") as handle:
            handle.write(data)
            if self.fsync_each:
                handle.flush()
                os.fsync(handle.fileno())
        return WrittenFile(name, len(data), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True, slots=True)
class WrittenFile:
    name: str  # in the staging folder
    size: int
    sha256: str
