"""Writes a Markdown export into its folder: only an empty folder or an earlier export of ours, each file
replaced in one step, and nothing removed that the export did not write."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export.disk import (
    describe_os_error,
    holds,
    holds_digest,
    read_json,
    sync_filesystem,
    write_file_atomically,
)
from fieldnotes_desktop.export.markdown_out import LAYOUT_NAMES

# Marks a folder as a Markdown export of Field Notes and lists the files it wrote (path → size,
# sha256), so that a later export replaces them and removes those no entry needs any more.
MARKER = ".fieldnotes-markdown.json"
FORMAT = "fieldnotes-markdown"


class MarkdownFolder:
    """`write()` each file, then `finish()`; the marker is written first, so an export stopped
    half-way still leaves a folder the next export recognises as its own."""

    def __init__(self, root: Path, layout: str) -> None:
        self.layout = layout
        if root.exists() and not root.is_dir():
            raise ExportFailed(f"{root} is a file; --out names the folder the Markdown is written into.")
        previous = _read_marker(root / MARKER)
        if previous is None and root.is_dir() and any(root.iterdir()):
            raise ExportFailed(
                f"{root} is not empty and holds no earlier Markdown export of Field Notes; choose an empty folder."
            )
        if previous is not None and previous[0] != layout:
            raise ExportFailed(
                f"{root} holds a {LAYOUT_NAMES.get(previous[0], previous[0])} export; "
                f"export the {LAYOUT_NAMES[layout]} layout into another folder."
            )
        self._before: dict[str, tuple[int, str]] = previous[1] if previous else {}
        self._written: dict[str, tuple[int, str]] = {}
        self._claimed: set[str] = set()  # lower-cased: on macOS and Windows `A.png` is `a.png`
        self.changed = 0
        try:
            root.mkdir(parents=True, exist_ok=True)
            self.root = root.resolve()
            self._save_marker({**self._before})
        except OSError as exc:
            raise ExportFailed(describe_os_error(exc, root) + " No file was changed.") from exc

    def has(self, relative: str) -> bool:
        return relative in self._written

    def write(self, relative: str, data: bytes) -> None:
        """Puts `data` at `relative` (a POSIX path), unless the file holds those bytes already."""
        target = self._target(relative)
        if relative.lower() in self._claimed:
            raise ExportFailed(f"Two files of this export would be written to {relative}; no file was left half-written.")
        self._claimed.add(relative.lower())
        self._written[relative] = (len(data), hashlib.sha256(data).hexdigest())
        if holds(target, data):
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file_atomically(target, data, durable=False)  # made durable at once in finish()
        except OSError as exc:
            raise ExportFailed(describe_os_error(exc, target)) from exc
        self.changed += 1

    def finish(self, *, whole: bool) -> int:
        """Records what was written and, for a `whole` export, removes the files of earlier
        exports that it no longer has (those changed by hand since are kept); returns how many."""
        removed = 0
        kept = {}
        for relative, (size, digest) in self._before.items():
            if relative in self._written:
                continue
            target = self.root / relative
            if whole and holds_digest(target, size, digest):
                target.unlink()
                _prune_empty(target.parent, self.root)
                removed += 1
            elif not whole:
                kept[relative] = (size, digest)
        try:
            self._save_marker({**kept, **self._written})
            sync_filesystem(self.root)
        except OSError as exc:
            raise ExportFailed(describe_os_error(exc, self.root)) from exc
        return removed

    def stop(self) -> None:
        """An export given up: what it wrote is listed as ours beside what was there before."""
        try:
            self._save_marker({**self._before, **self._written})
        except OSError:
            pass  # the files stay; they are only not removed by a later export

    def _target(self, relative: str) -> Path:
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or relative == MARKER:
            raise ExportFailed(f"Refused to write “{relative}”: it would leave the output folder.")
        target = self.root.joinpath(*parts)
        # A folder on the way may be a link the writer made; it must not lead out of the export.
        if not target.parent.resolve().is_relative_to(self.root):
            raise ExportFailed(f"Refused to write “{relative}”: a link inside {self.root} leads out of it.")
        return target

    def _save_marker(self, files: dict[str, tuple[int, str]]) -> None:
        record = {"format": FORMAT, "version": 1, "layout": self.layout,
                  "files": {path: list(files[path]) for path in sorted(files)}}
        write_file_atomically(self.root / MARKER, json.dumps(record, indent=1).encode("utf-8"))


def _read_marker(path: Path) -> tuple[str, dict[str, tuple[int, str]]] | None:
    """The layout and files of the export that left `path`, or None when it is not our marker."""
    record = read_json(path)
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None
    files = record.get("files")
    listed = {
        str(p): (int(v[0]), str(v[1]))
        for p, v in (files.items() if isinstance(files, dict) else ())
        if isinstance(v, list) and len(v) == 2
    }
    return str(record.get("layout", "")), listed


def _prune_empty(folder: Path, root: Path) -> None:
    """Removes `folder` and its parents up to `root` while they are empty (a renamed entry's bundle)."""
    while folder != root and folder.is_relative_to(root):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = folder.parent
