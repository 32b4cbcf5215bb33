"""Imports Markdown files and folders in one transaction: all of a run is stored, or none."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.errors import ImportFailed, ValidationError
from fieldnotes_desktop.render.parallel import worker_count
from fieldnotes_desktop.records import EntryFields, ImportReport
from fieldnotes_desktop.services.assets import MAX_ASSET_BYTES, store_asset
from fieldnotes_desktop.services.entries import EntryService
from fieldnotes_desktop.services.import_batches import BatchWriter
from fieldnotes_desktop.services.import_reading import FileReader
from fieldnotes_desktop.services.markdown_files import (
    MARKDOWN_SUFFIXES,
    ParsedFile,
    printable,
    read_limited,
    special_kind,
)
from fieldnotes_desktop.store import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Found:
    """A file to import and the folder it may draw on: images never come from outside `root`."""

    # A str, not a Path: an import of 90,000 files holds one of these for each file from the
    # start, and a Path costs ~750 bytes against ~150 for its text.
    name: str
    root: Path  # resolved: the folder given, or the folder of a file given by name
    walked: bool  # found in a folder, so it must itself lie inside `root`

    @property
    def path(self) -> Path:
        return Path(self.name)


class ImportService:
    def __init__(self, store: Store, entries: EntryService) -> None:
        self._store = store
        self._entries = entries

    def import_paths(
        self, paths: Iterable[Path | str], progress: Progress | None = None
    ) -> ImportReport:
        """Stores every Markdown file under `paths` as a new entry, or, should one be refused, none.

        One transaction holds the whole run; inside it the files are read, checked and stored a
        batch at a time (services/import_batches.py), so memory stays flat however many there are.
        """
        skipped: list[str] = []
        files = collect_files([Path(p) for p in paths], skipped)
        if not files:
            raise ImportFailed("No Markdown files (.md, .markdown, .txt) were found to import.")
        images: set[str] = set()
        total = len(files)
        done = 0

        def stored(name: str) -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, total, name)

        jobs = [(found.name, str(found.root), found.walked) for found in files]
        with self._store.transaction() as s, FileReader(jobs, spare_workers()) as reader:
            batch = BatchWriter(s, self._entries, stored)
            for found, (item, words) in zip(files, reader):
                fields = _attach_images(s, item, found.root, skipped, images)
                # An image stored under another name changed the body: its words are counted again.
                batch.add(printable(item.path.name), fields, words if fields is item.fields else None)
            batch.flush()
        return ImportReport(created=tuple(batch.created), assets=len(images), skipped=tuple(skipped))


def spare_workers() -> int:
    """Worker processes worth starting to read files: one per core the machine leaves idle.

    Beside this process's own core; on a machine busy with other work, workers only add their
    start-up and hand-over costs (measured: ~40 % more CPU at a load of 4.5 on 2 cores).
    """
    cores = worker_count()
    try:
        load = os.getloadavg()[0]
    except OSError:  # not on this system
        load = 0.0
    return max(0, min(cores - 1, int(cores - load + 0.5)))


def collect_files(paths: list[Path], skipped: list[str] | None = None) -> list[Found]:
    """The Markdown files named or found in folders; linked folders are noted in `skipped`."""
    found: list[Found] = []
    for path in paths:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise ImportFailed(f"{printable(str(path))} does not exist; check the path and import again.") from None
        except OSError as exc:
            raise ImportFailed(f"{printable(str(path))} cannot be read ({exc.strerror}); nothing was imported.") from exc
        if stat.S_ISDIR(info.st_mode):
            found += _walk(path, skipped if skipped is not None else [])
        else:
            # Whatever it is (a FIFO, a device), it is refused by name when read, never skipped.
            found.append(Found(str(path), path.absolute().parent.resolve(), walked=False))
    return found


def _walk(folder: Path, skipped: list[str]) -> list[Found]:
    root = folder.resolve()
    found: list[Found] = []

    def _unreadable(exc: OSError) -> None:
        where = printable(str(exc.filename or folder))
        raise ImportFailed(f"{where} cannot be read ({exc.strerror}); nothing was imported.") from exc

    # followlinks=False: a linked folder is listed but never entered, so a link to `..` cannot
    # loop and a link to elsewhere cannot pull in files from outside the folder.
    for current, dirs, names in os.walk(folder, onerror=_unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:
            if os.path.islink(os.path.join(current, name)):
                shown = printable(os.path.relpath(os.path.join(current, name), folder))
                skipped.append(f"{shown}: a linked folder, not followed, so nothing in it was imported")
        found += [
            Found(os.path.join(current, n), root, walked=True)
            for n in sorted(names)
            if n.lower().endswith(MARKDOWN_SUFFIXES) and not n.startswith(".")
        ]
    return found


def _attach_images(
    session: Session, item: ParsedFile, root: Path, skipped: list[str], stored: set[str]
) -> EntryFields:
    """Stores the local images an entry points at, so its export carries them.

    Only files inside `root` are read: a reference through `..`, an absolute path or a link
    that leads outside is reported in `skipped`, and the file is never opened.
    """
    body = item.fields.body
    assert isinstance(body, str)
    where = printable(item.path.name)
    for ref in dict.fromkeys(item.image_refs):
        shown = printable(ref)
        candidate, problem = _locate(item.path, root, ref)
        if candidate is None:
            skipped.append(f"{where}: image {shown} {problem}, so it was not imported")
            continue
        name = Path(ref.lstrip("/")).name or candidate.name
        data, _ = read_limited(candidate, MAX_ASSET_BYTES, "images")
        try:
            asset = store_asset(session, name, data)
        except ValidationError as exc:
            # An SVG that cannot be made safe: the entry is still worth having without it.
            skipped.append(f"{where}: {exc}")
            continue
        stored.add(asset.sha256)
        if asset.filename != name:
            body = body.replace(f"({ref}", f"(assets/{asset.filename}")
    if body is item.fields.body:
        return item.fields
    return replace(item.fields, body=body)


def _locate(file: Path, root: Path, ref: str) -> tuple[Path | None, str]:
    """The image file `ref` means, resolved, or None and why not.

    `/images/x.png` means the root's `images/x.png`, as static site generators read it, and
    falls back to beside the file; anything else is relative to the file's folder.
    """
    relative = ref.lstrip("/")
    bases = (root, file.parent) if ref.startswith("/") else (file.parent,)
    problem = "is not beside the file"
    for base in bases:
        candidate = (base / relative).resolve()
        if not candidate.is_relative_to(root):
            problem = f"is outside the imported folder {printable(root.name)}"
            continue
        if candidate.suffix.lower() not in IMAGE_SUFFIXES:
            problem = "is not an image file"
            continue
        try:
            kind = special_kind(os.stat(candidate))
        except OSError:
            continue
        if kind is None:
            return candidate, ""
        problem = f"is {kind}, not an image file"
    return None, problem
