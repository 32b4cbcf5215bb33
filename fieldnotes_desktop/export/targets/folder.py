"""Publishing into a folder on this computer: a web server's root, a mounted share, a synced folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

from fieldnotes_desktop.errors import PublishFailed
from fieldnotes_desktop.export.disk import describe_os_error, fsync_dir, fsync_file
from fieldnotes_desktop.export.targets.base import PART_SUFFIX, checked_path, parent_folders, part_name


class FolderConnection:
    """Files copied in place one at a time, each made durable before it is renamed over the old one."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.where = str(root)
        self.notes: list[str] = []
        if root.exists() and not root.is_dir():
            raise PublishFailed(f"{root} is a file; a folder target names the folder the site goes into.")
        if not root.parent.is_dir():
            raise PublishFailed(f"The folder {root.parent} does not exist; create it or choose another target.")
        self._touched: set[Path] = set()  # made (with the root itself) by the first write: a dry run makes none

    def read(self, path: str, limit: int) -> bytes | None:
        file = self._file(path)
        try:
            with file.open("rb") as handle:
                data = handle.read(limit + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise PublishFailed(describe_os_error(exc, file)) from exc
        if len(data) > limit:
            raise PublishFailed(f"{file} is larger than a publish record can be ({limit:,} bytes); move it away and publish again.")
        return data

    def write(self, path: str, data: bytes) -> None:
        self.finish("")  # the files the record is about reach the disk before the record does
        file = self._file(path)
        part = self._file(part_name(path))

        def write() -> None:
            self.root.mkdir(exist_ok=True)
            try:
                with part.open("wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(part, file)
            except OSError:
                part.unlink(missing_ok=True)
                raise
            fsync_dir(file.parent)

        self._guard(file, write)

    def upload(self, path: str, source: Path) -> None:
        file = self._file(path)
        part = self._file(part_name(path))

        def copy() -> None:
            file.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(source, part)
                fsync_file(part)
                os.chmod(part, 0o644)
                os.replace(part, file)
            except OSError:
                part.unlink(missing_ok=True)  # a full disk keeps no half file; a kill's is removed later
                raise
            self._touched.add(file.parent)

        self._guard(file, copy)

    def listdir(self, folder: str) -> set[str] | None:
        where = self.root.joinpath(*checked_path(folder).split("/")) if folder else self.root
        try:
            return set(os.listdir(where))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise PublishFailed(describe_os_error(exc, where, "publish")) from exc

    def remove(self, path: str) -> None:
        file = self._file(path)

        def remove() -> None:
            try:
                file.unlink(missing_ok=True)
            except IsADirectoryError:  # someone made a folder where our file was: theirs now
                self.notes.append(f"{file} is a folder now, so Field Notes left it; it is no longer published from here.")
                return
            self._file(part_name(path)).unlink(missing_ok=True)
            for folder in parent_folders(path):
                try:
                    (self.root / folder).rmdir()  # only when empty: another's file keeps it
                except OSError:
                    break  # not empty, a mount point, not ours to remove: the folder stays
            self._touched.add(file.parent if file.parent.exists() else self.root)

        self._guard(file, remove)

    def finish(self, message: str) -> None:
        for folder in sorted(self._touched):  # the renames themselves survive a power cut
            if folder.is_dir():
                self._guard(folder, partial(fsync_dir, folder))
        self._touched.clear()

    def close(self) -> None:
        pass

    def _file(self, path: str) -> Path:
        file = self.root.joinpath(*checked_path(path).split("/"))
        # A symlinked folder inside the site could lead a write or a removal out of it.
        parent = file.parent
        while not parent.exists() and parent != self.root:
            parent = parent.parent
        real_root = os.path.realpath(self.root)
        real = os.path.realpath(parent)
        if real != real_root and not real.startswith(real_root + os.sep):
            raise PublishFailed(f"{file} lies behind a link that leads out of the site's folder; nothing there was changed.")
        if file.is_symlink() or Path(str(file.parent), f".{file.name}{PART_SUFFIX}").is_symlink():
            raise PublishFailed(f"{file} is a link; Field Notes replaces only files it published, so remove the link and publish again.")
        return file

    @staticmethod
    def _guard(where: Path, action: Callable[[], object]) -> None:
        try:
            action()
        except OSError as exc:
            raise PublishFailed(describe_os_error(exc, where, "publish")) from exc
