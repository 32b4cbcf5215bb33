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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export.disk import (
    HAS_SYNCFS,
    TEMP_NAME,
    describe_os_error,
    folder_lock,
    holds,
    make_dirs,
    read_json,
    str_map,
    sync_filesystem,
    write_json,
)

STATE_DIR = ".fieldnotes"
MANIFEST_NAME = "site.json"
STAGING_NAME = "staging"
JOURNAL_NAME = "journal.json"
LOCK_NAME = "lock"
_FORMAT = 1
# Never descended into when looking for leftovers: other tools' folders, and our own.
_FOREIGN_DIRS = frozenset({".git", ".hg", ".svn", STATE_DIR, "node_modules"})


class UnsafePathError(ExportFailed):
    """A page asked to be written outside the output folder (a bug or a hostile slug)."""


class DoubleWriteError(ExportFailed):
    """Two pages of one export asked for the same file; the second would silently win."""


@dataclass(frozen=True)
class Manifest:
    """What the last export wrote into a folder; everything else there belongs to someone else."""

    files: Mapping[str, str] = field(default_factory=dict)  # site path → sha256 of its bytes
    entries: Mapping[str, str] = field(default_factory=dict)  # entry uuid → its page's site path
    redirects: Mapping[str, str] = field(default_factory=dict)  # redirect page's path → entry uuid

    def to_json(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "files": dict(sorted(self.files.items())),
            "entries": dict(sorted(self.entries.items())),
            "redirects": dict(sorted(self.redirects.items())),
        }

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return cls()
        return cls(
            files=str_map(data.get("files")),
            entries=str_map(data.get("entries")),
            redirects=str_map(data.get("redirects")),
        )


@dataclass(frozen=True)
class CommitResult:
    written: tuple[str, ...]  # site paths replaced or created by this export
    unchanged: tuple[str, ...]  # site paths whose bytes were already there
    removed: tuple[str, ...]  # site paths of the last export that the site no longer has


@dataclass(frozen=True, slots=True)
class _Staged:
    temp: str  # relative to the staging folder
    target: str  # site path


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
        self._staged: list[_Staged] = []
        self._files: dict[str, str] = {}  # this run's site paths → hashes, staged or unchanged
        self._unchanged: list[str] = []
        self._keys: set[Path] = set()
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
        return "/".join(clean), resolved

    # -- writing ---------------------------------------------------------------------------

    def stage(self, relative: str, content: str | bytes) -> str:
        """Readies one file of the new site; returns its site path. Unchanged bytes are not rewritten."""
        self._check_open()
        path, key = self.target_for(relative)
        if key in self._keys:
            raise DoubleWriteError(
                f"Two pages of this export would both be written to {relative}; "
                "rename one of the entries' slugs and export again."
            )
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = hashlib.sha256(data).hexdigest()
        if key.is_dir():
            raise ExportFailed(
                f"{self.root / path} is a folder where the export writes a file; move it away and export again."
            )
        self._keys.add(key)
        self._files[path] = digest
        if holds(self.root / path, data):
            self._unchanged.append(path)  # the bytes are already there: a rewrite would only cost
            return path
        temp = f"{len(self._staged):06d}"
        with self._disk_errors(" No file was changed."):
            self._staging.mkdir(exist_ok=True)
            with open(self._staging / temp, "wb") as handle:
                handle.write(data)
                if self._durable and not HAS_SYNCFS:
                    handle.flush()
                    os.fsync(handle.fileno())
        self._staged.append(_Staged(temp=temp, target=path))
        return path

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
            manifest = Manifest(files=dict(self._files), entries=dict(entries or {}), redirects=dict(redirects or {}))
        else:
            removed = []
            kept_redirects = {p: u for p, u in old.redirects.items() if p not in self._files}
            manifest = Manifest(
                files={**old.files, **self._files},
                entries={**old.entries, **(entries or {})},
                redirects={**kept_redirects, **(redirects or {})},
            )
        journal = {
            "format": _FORMAT,
            "renames": [[s.temp, s.target] for s in self._staged],
            "removals": removed,
            "manifest": manifest.to_json(),
        }
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
            written=tuple(s.target for s in self._staged),
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


def recover(root: Path, *, durable: bool = True, locked: bool = False) -> bool:
    """Finishes an export of `root` that was interrupted after its journal was written.

    An export stopped earlier left only staged files, which are removed. Temporary files of the
    previous writer are removed wherever they were left. True when a journal was replayed.
    """
    root = root.resolve()
    state = root / STATE_DIR
    if not state.is_dir():
        _remove_legacy_temps(root)
        return False
    lock = None if locked else folder_lock(state / LOCK_NAME, root)
    try:
        staging = state / STAGING_NAME
        replayed = False
        journal = read_json(staging / JOURNAL_NAME)
        if isinstance(journal, dict) and journal.get("format") == _FORMAT:
            _apply(root, journal, durable=durable)
            replayed = True
        shutil.rmtree(staging, ignore_errors=True)
        _remove_legacy_temps(root)
        return replayed
    finally:
        if lock is not None:
            lock.close()


def read_manifest(root: Path) -> Manifest:
    """What the last completed export wrote into `root` (empty for a folder never exported to)."""
    return Manifest.from_json(read_json(root / STATE_DIR / MANIFEST_NAME))


# -- the journal -----------------------------------------------------------------------------


def _apply(root: Path, journal: Mapping[str, Any], *, durable: bool) -> None:
    """Replays a journal; every step may already have happened, so each one checks first."""
    staging = root / STATE_DIR / STAGING_NAME
    touched: set[Path] = set()
    for temp, target in journal.get("renames", []):
        source = staging / str(temp)
        destination = _inside(root, str(target))
        if destination is None or not source.exists():
            continue  # moved by an earlier replay (or a journal we did not write: ignored)
        make_dirs(destination.parent)
        if destination.is_dir() and not destination.is_symlink():
            continue  # a folder appeared there since staging: it is someone's, so it stays
        os.replace(source, destination)
        os.chmod(destination, 0o644)
        touched.add(destination.parent)
    for path in journal.get("removals", []):
        victim = _inside(root, str(path))
        if victim is None:
            continue
        if victim.is_file() or victim.is_symlink():
            victim.unlink()
        touched.add(victim.parent)
        _remove_empty_folders(victim.parent, root)
    manifest = Manifest.from_json(journal.get("manifest"))
    write_json(root / STATE_DIR / MANIFEST_NAME, manifest.to_json(), durable=durable)
    if durable and touched:
        sync_filesystem(root)  # the renames are on disk before the journal that promises them goes
    (staging / JOURNAL_NAME).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def _inside(root: Path, relative: str) -> Path | None:
    parts = [p for p in PurePosixPath(relative).parts if p not in ("", ".")]
    if not parts or ".." in parts or parts[0] == STATE_DIR or PurePosixPath(relative).is_absolute():
        return None
    path = root.joinpath(*parts)
    return path if path.parent.resolve().is_relative_to(root) else None


def _remove_empty_folders(folder: Path, root: Path) -> None:
    """Folders left empty by a removed page go too (an entry's `slug/`), up to the site's root."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (someone else's file, another page): it stays
        folder = folder.parent


def _remove_legacy_temps(root: Path) -> None:
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _FOREIGN_DIRS]
        for name in names:
            if TEMP_NAME.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


