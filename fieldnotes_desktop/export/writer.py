"""The paranoid writer: files stay inside the output folder, and a whole export lands or none of it does.

How a site is replaced, so that a kill at any moment leaves the old site, the new site, or a
state the next export (or the next start of the app) finishes on its own:

1. Every new or changed file is written into `.fieldnotes/staging/` inside the output folder
   (same filesystem, so the later renames are atomic) and made durable.
2. The journal, a SQLite file in the staging folder that holds the new manifest and every
   rename and removal, filled as the files are staged, is made durable and renamed to its
   final name: that is the moment the export counts as done. Killed before it, the staging
   folder is garbage; after it, the journal can be replayed.
3. The journal is applied: renames into place, removals of pages that left the site, then the
   journal itself renamed to be the new manifest. Every step can be repeated, so replaying a
   half-applied journal is safe.
4. The staging folder is removed.

The manifest (`.fieldnotes/manifest.db`) records what the export wrote (path → content hash), so
a later export removes only its own files that the site no longer has, skips files whose bytes
did not change, and never touches anything else in the folder (`.git`, `CNAME`, a README).
Neither the last export's records nor this one's are held in memory: they are read and written
a row at a time (export/journal.py).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export.disk import (
    HAS_SYNCFS,
    StagingFolder,
    WrittenFile,
    describe_os_error,
    folder_lock,
    fsync_dir,
    fsync_file,
    holds,
    holds_digest,
    make_dirs,
    sync_filesystem,
)
from fieldnotes_desktop.export.journal import (
    JOURNAL_NAME,
    LOCK_NAME,
    MANIFEST_NAME,
    STAGING_NAME,
    STATE_DIR,
    Manifest,
    staged_name,
    read_manifest,
    recover,
)
from fieldnotes_desktop.export.journal import apply_journal as _apply
from fieldnotes_desktop.store.site_records import JournalRecords

__all__ = [  # the journal's names stay importable from here, where the writer's users look
    "JOURNAL_NAME", "MANIFEST_NAME", "STAGING_NAME", "STATE_DIR", "CommitResult", "DoubleWriteError",
    "Manifest", "SiteWriter", "UnsafePathError", "read_manifest", "recover",
]


class UnsafePathError(ExportFailed):
    """A page asked to be written outside the output folder (a bug or a hostile slug)."""


class DoubleWriteError(ExportFailed):
    """Two pages of one export asked for the same file; the second would silently win."""


@dataclass(frozen=True)
class CommitResult:
    written: tuple[str, ...]  # site paths replaced or created by this export
    unchanged: tuple[str, ...]  # site paths whose bytes were already there
    removed: tuple[str, ...]  # site paths of the last export that the site no longer has


class SiteWriter:
    """Writes one export into `root`: `stage()` each file, then `commit()` or `abort()`.

    Opening the writer takes the folder's export lock and finishes (or clears away) whatever
    an earlier, interrupted export left. Until `commit()` the folder's own files are unchanged.
    """

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self._durable = durable
        if root.exists() and not root.is_dir():
            raise ExportFailed(f"{root} is a file, not a folder; choose a folder to export into.")
        try:
            make_dirs(root.absolute())
        except OSError as exc:
            raise ExportFailed(describe_os_error(exc, root)) from exc
        self.root = root.resolve()
        self._state = self.root / STATE_DIR
        self._staging = self._state / STAGING_NAME
        self._lock: IO[bytes] | None = None
        # The journal being filled: this run's pages (staged or unchanged) and its renames. The
        # staged file of rename `seq` is `staged_name(seq)` in the staging folder.
        self._records: JournalRecords | None = None
        self._staged: list[str] = []  # the site paths of the renames, in order (the callers' strings)
        self._unchanged: list[str] = []
        # Where the site paths of this run that pass through a symlink really lead (site paths
        # too). Every other path leads to itself, so the journal's pages say it was claimed: a
        # set of every resolved target weighed ~150 bytes a page.
        self._aliases: set[str] = set()
        self.previous = Manifest()
        self._open = False
        with self._disk_errors(" No file was changed."):
            self._state.mkdir(exist_ok=True)
            self._lock = folder_lock(self._state / LOCK_NAME, self.root)
            try:
                recover(self.root, durable=durable, locked=True)
                self.previous = read_manifest(self.root)
            except BaseException:
                self._release()
                raise
        self._open = True

    # -- paths -----------------------------------------------------------------------------

    def target_for(self, relative: str) -> tuple[str, str]:
        """The normalised site path of `relative` and the site path it really leads to; refuses escapes.

        Files are replaced at the target itself (a symlink there is replaced, not written
        through); where it leads is what escapes and double writes are judged by.
        """
        parts = PurePosixPath(relative.replace("\\", "/"))
        clean = [p for p in parts.parts if p not in ("", ".")]
        if parts.is_absolute() or not clean or ".." in clean or clean[0] == STATE_DIR:
            raise UnsafePathError(f"Refused to write “{relative}”: it would leave the output folder.")
        path = "/".join(clean)
        # the caller's own string when it is already clean: one copy per page, not one each
        return (relative if path == relative else path), self._leads_to(relative, clean, path)

    def _leads_to(self, relative: str, clean: list[str], path: str) -> str:
        """Where `path` leads inside the folder: itself, unless a symlink on the way sends it on.

        Only the parts below the root are looked at (the root is resolved already), and only
        until one is missing: a page of a fresh export costs one `lstat`, where resolving the
        whole path cost one per folder from `/` down, a tenth of a warm export's time.
        """
        here = str(self.root)
        for part in clean:
            here = os.path.join(here, part)
            try:
                mode = os.lstat(here).st_mode
            except OSError:
                break  # nothing further down exists (or a file is in the way, which staging reports)
            if stat.S_ISLNK(mode):
                # resolve() follows the links, so one pointing out of the folder is caught too
                resolved = self.root.joinpath(*clean).resolve()
                if not resolved.is_relative_to(self.root) or resolved == self.root:
                    raise UnsafePathError(f"Refused to write “{relative}”: it would leave the output folder.")
                return resolved.relative_to(self.root).as_posix()
        return path

    # -- writing ---------------------------------------------------------------------------

    def stage(
        self, relative: str, content: str | bytes, *, inputs: str | None = None, excerpt: str = ""
    ) -> str:
        """Readies one file of the new site; returns its site path. Unchanged bytes are not rewritten.

        `inputs` (a digest of what the page was made from) and its `excerpt` go into the manifest,
        so the next export can `keep` the page without building it.
        """
        self._check_open()
        path, key = self.target_for(relative)
        self._claim(relative, path, key)
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = hashlib.sha256(data).hexdigest()
        self._note(path, digest, inputs, excerpt)
        if holds(self.root / path, data):
            self._unchanged.append(path)  # the bytes are already there: a rewrite would only cost
            return path
        with self._disk_errors(" No file was changed."):
            temp = self._next_staged(path)
            with open(self._staging / temp, "wb") as handle:
                handle.write(data)
                if self._durable and not HAS_SYNCFS:
                    handle.flush()
                    os.fsync(handle.fileno())
        return path

    def stage_chunks(
        self, relative: str, chunks: Iterable[str], *, inputs: str | None = None, excerpt: str = ""
    ) -> str:
        """`stage` for text that comes a piece at a time (a list page of every entry): it goes
        to the staging folder as it comes, and is dropped there when the site holds it already."""
        self._check_open()
        path, key = self.target_for(relative)
        self._claim(relative, path, key)
        temp = staged_name(len(self._staged))
        digest, size = hashlib.sha256(), 0
        pieces = iter(chunks)
        with self._disk_errors(" No file was changed."), _closing(pieces):
            self._journal()
            with open(self._staging / temp, "wb") as handle:
                for block in _blocks(pieces):
                    digest.update(block)
                    size += len(block)
                    handle.write(block)
                same = holds_digest(self.root / path, size, digest.hexdigest())
                if self._durable and not HAS_SYNCFS and not same:
                    handle.flush()
                    os.fsync(handle.fileno())
            if same:
                os.unlink(self._staging / temp)
            else:
                self._next_staged(path)
        self._note(path, digest.hexdigest(), inputs, excerpt)
        if same:
            self._unchanged.append(path)
        return path

    def staging_folder(self) -> StagingFolder:
        """Where other processes may write files for `stage_written`, and how durably."""
        self._check_open()
        with self._disk_errors(" No file was changed."):
            self._journal()  # the staging folder exists from here
        return StagingFolder(self._staging, fsync_each=self._durable and not HAS_SYNCFS)

    def stage_written(
        self, relative: str, written: WrittenFile, *, inputs: str | None = None, excerpt: str = ""
    ) -> str:
        """`stage` for a file another process wrote into the `staging_folder` already."""
        self._check_open()
        path, key = self.target_for(relative)
        self._claim(relative, path, key)
        self._note(path, written.sha256, inputs, excerpt)
        with self._disk_errors(" No file was changed."):
            if holds_digest(self.root / path, written.size, written.sha256):
                os.unlink(self._staging / written.name)
                self._unchanged.append(path)
            else:
                os.replace(self._staging / written.name, self._staging / self._next_staged(path))
        return path

    def _next_staged(self, path: str) -> str:
        """Records the next staged file as bound for `path`; returns its name in the staging folder."""
        seq = len(self._staged)
        self._journal().add_rename(seq, path)
        self._staged.append(path)
        return staged_name(seq)

    def keep(self, relative: str, inputs: str) -> str | None:
        """Keeps the page the last export made from the same `inputs`, without its bytes being built.

        Only when the file on disk still holds exactly what that export wrote (a page edited by
        hand is built again). Returns the page's excerpt as that export recorded it, or None
        when the page must be built and `stage`d.
        """
        self._check_open()
        path, key = self.target_for(relative)
        recorded = self.previous.page(path)
        if recorded is None or recorded[1] != inputs or self._claimed(key) or self._is_folder(key):
            return None
        digest, _inputs, excerpt = recorded
        target = self.root / path
        try:
            if target.is_symlink():
                return None
            with open(target, "rb") as handle:  # a block at a time: the index of 100,000 entries is 70 MB
                if hashlib.file_digest(handle, "sha256").hexdigest() != digest:
                    return None
        except OSError:
            return None
        self._claim(relative, path, key)
        self._note(path, digest, inputs, excerpt)
        self._unchanged.append(path)
        return excerpt

    def _claimed(self, key: str) -> bool:
        """Whether a file of this run already leads to `key` (where a site path leads, `_leads_to`)."""
        if key in self._aliases:
            return True
        return self._journal().has_page(key)

    def _is_folder(self, key: str) -> bool:
        return os.path.isdir(os.path.join(self.root, key))

    def _claim(self, relative: str, path: str, key: str) -> None:
        if self._claimed(key):
            raise DoubleWriteError(
                f"Two pages of this export would both be written to {relative}; "
                "rename one of the entries' slugs and export again."
            )
        if self._is_folder(key):
            raise ExportFailed(
                f"{self.root / path} is a folder where the export writes a file; move it away and export again."
            )
        if key != path:
            self._aliases.add(key)

    def _note(self, path: str, digest: str, inputs: str | None, excerpt: str) -> None:
        with self._disk_errors(" No file was changed."):
            self._journal().add_page(path, digest, inputs, excerpt if inputs is not None else "")

    def _journal(self) -> JournalRecords:
        """The journal being filled, in the staging folder under a name that says it is not done."""
        if self._records is None:
            self._staging.mkdir(exist_ok=True)
            self._records = JournalRecords(self._staging / (JOURNAL_NAME + ".new"))
        return self._records

    def commit(
        self,
        *,
        entries: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        redirects: Mapping[str, str] | None = None,
        whole_site: bool = True,
    ) -> CommitResult:
        """Puts the staged files in place as one step; the writer is closed afterwards.

        `entries` (uuid → page path) and `redirects` (path → uuid) describe this run's pages for
        the next one. A `whole_site` export removes the previous export's files it did not
        write again; a partial one (`--entry`) keeps them and adds its own.
        """
        self._check_open()
        with self._disk_errors(" No file was changed."):
            journal = self._journal()
            manifest = self._state / MANIFEST_NAME
            removed, same = journal.finish(
                entries.items() if isinstance(entries, Mapping) else (entries or ()),
                (redirects or {}).items(),
                manifest if self.previous.db is not None and manifest.is_file() else None,
                whole_site=whole_site,
            )
            if not self._staged and not removed and same:
                # Nothing to put in place and nothing to record: no journal, no manifest, no write.
                self._release()
                shutil.rmtree(self._staging, ignore_errors=True)
                return CommitResult(written=(), unchanged=tuple(self._unchanged), removed=())
            journal.close(keep=True)
            self._records = None
            fresh = self._staging / (JOURNAL_NAME + ".new")
            if self._durable:
                # every staged file, and the journal, is on disk before the journal's name says so
                sync_filesystem(self._staging)
                if not HAS_SYNCFS:
                    fsync_file(fresh)
            os.replace(fresh, self._staging / JOURNAL_NAME)
            if self._durable:
                fsync_dir(self._staging)
        try:
            _apply(self.root, durable=self._durable)
        except OSError as exc:
            self._release()
            raise ExportFailed(
                describe_os_error(exc, self.root)
                + " The new site is kept aside and will be finished by the next export."
            ) from exc
        self._release()
        return CommitResult(written=tuple(self._staged), unchanged=tuple(self._unchanged), removed=removed)

    def abort(self) -> None:
        """Forgets this run: the staged files go, the folder's own files were never touched."""
        if not self._open:
            return
        self._release()
        shutil.rmtree(self._staging, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------------------

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError("this SiteWriter has already committed or aborted")  # a programming error

    def _release(self) -> None:
        self._open = False
        if self._records is not None:
            self._records.close(keep=False)
            self._records = None
        self.previous.close()
        if self._lock is not None:
            self._lock.close()  # closing the file drops its lock
            self._lock = None

    @contextlib.contextmanager
    def _disk_errors(self, outcome: str) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            self._release()
            shutil.rmtree(self._staging, ignore_errors=True)
            raise ExportFailed(describe_os_error(exc, self.root) + outcome) from exc
        except sqlite3.OperationalError as exc:  # the journal's disk is full, or was taken away
            self._release()
            shutil.rmtree(self._staging, ignore_errors=True)
            raise ExportFailed(_journal_problem(exc, self.root) + outcome) from exc


def _journal_problem(exc: sqlite3.OperationalError, root: Path) -> str:
    if "full" in str(exc).lower():
        return describe_os_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), root)
    return f"The export could not keep its records in {root / STATE_DIR} ({exc})."


def _blocks(pieces: Iterator[str], size: int = 1 << 16) -> Iterator[bytes]:
    """The pieces' UTF-8 bytes in blocks of about `size` characters (a template yields many tiny ones)."""
    held: list[str] = []
    count = 0
    for piece in pieces:
        held.append(piece)
        count += len(piece)
        if count >= size:
            yield "".join(held).encode("utf-8")
            held.clear()
            count = 0
    if held:
        yield "".join(held).encode("utf-8")


@contextlib.contextmanager
def _closing(pieces: Iterator[str]) -> Iterator[None]:
    """Closes a render's generator however the writing ends, so it lets go of its allowance now."""
    try:
        yield
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()

