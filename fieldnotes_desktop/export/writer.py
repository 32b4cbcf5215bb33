"""The paranoid writer: files stay inside the output folder, and a whole export lands or none of it does.

How a site is replaced, so that a kill at any moment leaves the old site, the new site, or a
state the next export (or the next start of the app) finishes on its own:

1. Every new or changed file is written into `.fieldnotes/staging/` inside the output folder
   (same filesystem, so the later renames are atomic) and made durable.
2. A journal listing every rename and removal is written and made durable: that is the moment
   the export counts as done. Killed before it, the staging folder is garbage; after it, the
   journal can be replayed.
3. The journal is applied: renames into place, removals of pages that left the site, the new
   manifest. Every step can be repeated, so replaying a half-applied journal is safe.
4. The staging folder, journal included, is removed.

The manifest (`.fieldnotes/site.json`) records what the export wrote (path → content hash), so
a later export removes only its own files that the site no longer has, skips files whose bytes
did not change, and never touches anything else in the folder (`.git`, `CNAME`, a README).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export.disk import (
    HAS_SYNCFS,
    describe_os_error,
    folder_lock,
    holds,
    holds_digest,
    make_dirs,
    sync_filesystem,
    write_json,
)
from fieldnotes_desktop.export.journal import (
    FORMAT,
    JOURNAL_NAME,
    FreshJournal,
    LOCK_NAME,
    MANIFEST_NAME,
    STAGING_NAME,
    STATE_DIR,
    Manifest,
    read_manifest,
    recover,
)
from fieldnotes_desktop.export.journal import apply_journal as _apply

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
        # The site path of each staged file; the file itself is `_temp_name(i)` in the staging folder.
        self._staged: list[str] = []
        self._files: dict[str, str] = {}  # this run's site paths → hashes, staged or unchanged
        self._inputs: dict[str, str] = {}
        self._excerpts: dict[str, str] = {}
        self._unchanged: list[str] = []
        # Where the site paths of this run that pass through a symlink really lead (site paths
        # too). Every other path leads to itself, so `_files` already says it was claimed: a
        # set of every resolved target weighed ~150 bytes a page.
        self._aliases: set[str] = set()
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

    def target_for(self, relative: str) -> tuple[str, Path]:
        """The normalised site path of `relative` and where it really leads; refuses escapes.

        Files are replaced at the target itself (a symlink there is replaced, not written
        through); the resolved path is what escapes and double writes are judged by.
        """
        parts = PurePosixPath(relative.replace("\\", "/"))
        clean = [p for p in parts.parts if p not in ("", ".")]
        if parts.is_absolute() or not clean or ".." in clean or clean[0] == STATE_DIR:
            raise UnsafePathError(f"Refused to write “{relative}”: it would leave the output folder.")
        target = self.root.joinpath(*clean)
        # resolve() follows symlinks already in the folder, so a link pointing elsewhere is
        # caught too; it is the costly call here, so it runs once per file
        resolved = target.resolve()
        if not resolved.is_relative_to(self.root) or resolved == self.root:
            raise UnsafePathError(f"Refused to write “{relative}”: it would leave the output folder.")
        path = "/".join(clean)
        # the caller's own string when it is already clean: one copy per page, not one each
        return (relative if path == relative else path), resolved

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
        temp = _temp_name(len(self._staged))
        with self._disk_errors(" No file was changed."):
            self._staging.mkdir(exist_ok=True)
            with open(self._staging / temp, "wb") as handle:
                handle.write(data)
                if self._durable and not HAS_SYNCFS:
                    handle.flush()
                    os.fsync(handle.fileno())
        self._staged.append(path)
        return path

    def stage_chunks(
        self, relative: str, chunks: Iterable[str], *, inputs: str | None = None, excerpt: str = ""
    ) -> str:
        """`stage` for text that comes a piece at a time (a list page of every entry): it goes
        to the staging folder as it comes, and is dropped there when the site holds it already."""
        self._check_open()
        path, key = self.target_for(relative)
        self._claim(relative, path, key)
        temp = _temp_name(len(self._staged))
        digest, size = hashlib.sha256(), 0
        pieces = iter(chunks)
        with self._disk_errors(" No file was changed."), _closing(pieces):
            self._staging.mkdir(exist_ok=True)
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
        self._note(path, digest.hexdigest(), inputs, excerpt)
        if same:
            self._unchanged.append(path)
        else:
            self._staged.append(path)
        return path

    def keep(self, relative: str, inputs: str) -> str | None:
        """Keeps the page the last export made from the same `inputs`, without its bytes being built.

        Only when the file on disk still holds exactly what that export wrote (a page edited by
        hand is built again). Returns the page's excerpt as that export recorded it, or None
        when the page must be built and `stage`d.
        """
        self._check_open()
        old = self.previous
        path, key = self.target_for(relative)
        digest = old.files.get(path)
        if digest is None or old.inputs.get(path) != inputs or self._claimed(key) or key.is_dir():
            return None
        target = self.root / path
        try:
            if target.is_symlink() or hashlib.sha256(target.read_bytes()).hexdigest() != digest:
                return None
        except OSError:
            return None
        self._claim(relative, path, key)
        excerpt = old.excerpts.get(path, "")
        self._note(path, digest, inputs, excerpt)
        self._unchanged.append(path)
        return excerpt

    def _claimed(self, key: Path) -> bool:
        """Whether a file of this run already leads to `key` (a resolved target inside the folder)."""
        target = key.relative_to(self.root).as_posix()
        return target in self._aliases or target in self._files

    def _claim(self, relative: str, path: str, key: Path) -> None:
        if self._claimed(key):
            raise DoubleWriteError(
                f"Two pages of this export would both be written to {relative}; "
                "rename one of the entries' slugs and export again."
            )
        if key.is_dir():
            raise ExportFailed(
                f"{self.root / path} is a folder where the export writes a file; move it away and export again."
            )
        target = key.relative_to(self.root).as_posix()
        if target != path:
            self._aliases.add(target)

    def _note(self, path: str, digest: str, inputs: str | None, excerpt: str) -> None:
        self._files[path] = digest
        if inputs is not None:
            self._inputs[path] = inputs
            if excerpt:
                self._excerpts[path] = excerpt

    def commit(
        self,
        *,
        entries: Mapping[str, str] | None = None,
        redirects: Mapping[str, str] | None = None,
        whole_site: bool = True,
    ) -> CommitResult:
        """Puts the staged files in place as one step; the writer is closed afterwards.

        `entries` (uuid → page path) and `redirects` (path → uuid) describe this run's pages for
        the next one. A `whole_site` export removes the previous export's files it did not
        write again; a partial one (`--entry`) keeps them and adds its own.
        """
        self._check_open()
        old = self.previous
        if whole_site:
            removed = sorted(set(old.files) - set(self._files))
            # the writer's own maps, not copies: it is closed once this commit is done
            manifest = Manifest(
                files=self._files, entries=dict(entries or {}), redirects=dict(redirects or {}),
                inputs=self._inputs, excerpts=self._excerpts,
            )
        else:
            removed = []
            kept_redirects = {p: u for p, u in old.redirects.items() if p not in self._files}
            manifest = Manifest(
                files={**old.files, **self._files},
                entries={**old.entries, **(entries or {})},
                redirects={**kept_redirects, **(redirects or {})},
                inputs={**{p: i for p, i in old.inputs.items() if p not in self._files}, **self._inputs},
                excerpts={**{p: e for p, e in old.excerpts.items() if p not in self._files}, **self._excerpts},
            )
        if not self._staged and not removed and manifest == old:
            # Nothing to put in place and nothing to record: no journal, no manifest, no write.
            shutil.rmtree(self._staging, ignore_errors=True)
            self._release()
            return CommitResult(written=(), unchanged=tuple(self._unchanged), removed=())
        # Made once: the manifest of a large site holds a few items per page, and a copy of it
        # per step (the journal, its replay) weighed more than the rest of the export.
        journal = FreshJournal(
            format=FORMAT,
            renames=[[_temp_name(i), target] for i, target in enumerate(self._staged)],
            removals=removed,
            manifest=manifest.to_json(),
        )
        with self._disk_errors(" No file was changed."):
            self._staging.mkdir(exist_ok=True)
            if self._durable:
                sync_filesystem(self._staging)  # every staged file is on disk before the journal says so
            write_json(self._staging / JOURNAL_NAME, journal, durable=self._durable)
        try:
            _apply(self.root, journal, durable=self._durable)
        except OSError as exc:
            self._release()
            raise ExportFailed(
                describe_os_error(exc, self.root)
                + " The new site is kept aside and will be finished by the next export."
            ) from exc
        self._release()
        return CommitResult(
            written=tuple(self._staged),
            unchanged=tuple(self._unchanged),
            removed=tuple(removed),
        )

    def abort(self) -> None:
        """Forgets this run: the staged files go, the folder's own files were never touched."""
        if not self._open:
            return
        shutil.rmtree(self._staging, ignore_errors=True)
        self._staged.clear()
        self._release()

    # -- helpers ---------------------------------------------------------------------------

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError("this SiteWriter has already committed or aborted")  # a programming error

    def _release(self) -> None:
        self._open = False
        if self._lock is not None:
            self._lock.close()  # closing the file drops its lock
            self._lock = None

    @contextlib.contextmanager
    def _disk_errors(self, outcome: str) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._release()
            raise ExportFailed(describe_os_error(exc, self.root) + outcome) from exc


def _temp_name(index: int) -> str:
    """The staging folder's name for the `index`-th staged file."""
    return f"{index:06d}"


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
