"""The paranoid writer: files stay inside the output folder, are written once, and replaced atomically."""

from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fieldnotes_desktop.errors import ExportFailed


class UnsafePathError(ExportFailed):
    """A page asked to be written outside the output folder (a bug or a hostile slug)."""


class DoubleWriteError(ExportFailed):
    """Two pages of one export asked for the same file; the second would silently win."""


@dataclass(frozen=True, slots=True)
class _Staged:
    temp: Path
    target: Path


def describe_os_error(exc: OSError, where: Path) -> str:
    """One sentence a writer can act on, for the ways a disk says no."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return f"The disk holding {where} is full; free some space and export again."
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"Field Notes may not write to {where}; choose a folder you can write to."
    if exc.errno == errno.EROFS:
        return f"{where} is on a read-only disk; choose another folder."
    if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return f"{where} is in the way of the export (a file where a folder belongs, or the reverse)."
    return f"Cannot write {where}: {exc.strerror or exc}; choose another folder."


class SiteWriter:
    """Stages files beside their targets, then replaces them all at once on `commit()`.

    Nothing outside the output folder is touched, no target is written twice in one run, and
    files the export did not produce are never removed. Until `commit()`, the folder still
    holds exactly what it held before (plus hidden temporary files `abort()` cleans away).
    """

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self._durable = durable
        self._staged: list[_Staged] = []
        self._targets: set[Path] = set()
        self._made_dirs: list[Path] = []
        if root.exists() and not root.is_dir():
            raise ExportFailed(f"{root} is a file, not a folder; choose a folder to export into.")
        self.root = root.absolute()
        try:
            self._make_parents(root.absolute())
        except OSError as exc:
            raise ExportFailed(describe_os_error(exc, root)) from exc
        self.root = root.resolve()

    # -- paths -----------------------------------------------------------------------------

    def target_for(self, relative: str) -> tuple[Path, Path]:
        """The target of a site path such as `slug/index.html`, and where it really leads; refuses escapes.

        Files are replaced at the target itself (a symlink there is replaced, not written
        through); the resolved path is what escapes and double writes are judged by.
        """
        parts = PurePosixPath(relative.replace("\\", "/"))
        if parts.is_absolute() or not relative or ".." in parts.parts:
            raise UnsafePathError(f"Refused to write “{relative}”: it would leave the output folder.")
        target = self.root.joinpath(*parts.parts)
        # resolve() follows symlinks already in the folder, so a link pointing elsewhere is
        # caught too; it is the costly call here, so it runs once per file
        resolved = target.resolve()
        if not resolved.is_relative_to(self.root) or resolved == self.root:
            raise UnsafePathError(f"Refused to write “{relative}”: it would leave the output folder.")
        return target, resolved

    # -- writing ---------------------------------------------------------------------------

    def stage(self, relative: str, content: str | bytes) -> Path:
        """Writes `content` to a hidden temporary file next to the target of `relative`."""
        target, key = self.target_for(relative)
        if key in self._targets:
            raise DoubleWriteError(
                f"Two pages of this export would both be written to {relative}; "
                "rename one of the entries' slugs and export again."
            )
        data = content.encode("utf-8") if isinstance(content, str) else content
        try:
            self._make_parents(target.parent)
            fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".fn-tmp", dir=target.parent)
            temp = Path(temp_name)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    if self._durable:
                        handle.flush()
                        # without fsync a power cut after the rename can leave an empty file
                        os.fsync(handle.fileno())
                os.chmod(temp, 0o644)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
        except OSError as exc:
            self.abort()
            raise ExportFailed(describe_os_error(exc, target.parent) + " No file was changed.") from exc
        self._targets.add(key)
        self._staged.append(_Staged(temp=temp, target=target))
        return target

    def write(self, relative: str, content: str | bytes) -> Path:
        """Stages one file and replaces its target at once (for single-file exports)."""
        target = self.stage(relative, content)
        self.commit()
        return target

    def commit(self) -> list[Path]:
        """Moves every staged file over its target; each rename is atomic on one filesystem."""
        done: list[Path] = []
        try:
            for item in self._staged:
                os.replace(item.temp, item.target)
                done.append(item.target)
        except OSError as exc:
            self.abort()
            raise ExportFailed(
                describe_os_error(exc, self.root) + f" {len(done)} files were already replaced."
            ) from exc
        self._staged.clear()
        self._made_dirs.clear()
        return done

    def abort(self) -> None:
        """Removes the temporary files and the empty folders this run created; nothing else."""
        for item in self._staged:
            item.temp.unlink(missing_ok=True)
        self._staged.clear()
        for folder in reversed(self._made_dirs):
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty: something else lives there now, so it stays
        self._made_dirs.clear()

    def _make_parents(self, folder: Path) -> None:
        missing: list[Path] = []
        probe = folder
        while not probe.exists() and probe != probe.parent:
            missing.append(probe)
            probe = probe.parent
        for path in reversed(missing):
            path.mkdir()
            self._made_dirs.append(path)
