"""Imports Markdown files and folders in one transaction: all of a run is stored, or none."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from fieldnotes_desktop.errors import ImportFailed, ValidationError
from fieldnotes_desktop.records import EntryFields, ImportReport
from fieldnotes_desktop.services.assets import store_asset
from fieldnotes_desktop.services.entries import EntryService
from fieldnotes_desktop.services.markdown_files import MARKDOWN_SUFFIXES, ParsedFile, parse_file
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import repository as repo

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")
Progress = Callable[[int, int, str], None]


class ImportService:
    def __init__(self, store: Store, entries: EntryService) -> None:
        self._store = store
        self._entries = entries

    def import_paths(
        self, paths: Iterable[Path | str], progress: Progress | None = None
    ) -> ImportReport:
        files = collect_files([Path(p) for p in paths])
        if not files:
            raise ImportFailed("No Markdown files (.md, .markdown, .txt) were found to import.")
        parsed = [_read(path) for path in files]  # every file is checked before anything is stored
        created = []
        assets = 0
        skipped: list[str] = []
        with self._store.transaction() as s:
            for done, item in enumerate(parsed, start=1):
                try:
                    fields, stored = _attach_images(s, item, skipped)
                    row = self._entries.create_in(s, fields)
                except ValidationError as exc:
                    # A value out of range (volume 100, elevation 12000): say which file holds it.
                    raise ImportFailed(f"{item.path.name}: {exc} Nothing was imported.") from exc
                assets += stored
                created.append(repo.to_summary(row))
                if progress:
                    progress(done, len(parsed), item.path.name)
        return ImportReport(created=tuple(created), assets=assets, skipped=tuple(skipped))


def collect_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [
                    Path(root) / n
                    for n in sorted(names)
                    if n.lower().endswith(MARKDOWN_SUFFIXES) and not n.startswith(".")
                ]
        elif path.is_file():
            found.append(path)
        else:
            raise ImportFailed(f"{path} does not exist; check the path and import again.")
    return found


def _read(path: Path) -> ParsedFile:
    try:
        raw = path.read_bytes()
        modified = dt.date.fromtimestamp(path.stat().st_mtime)
    except OSError as exc:
        raise ImportFailed(f"{path.name} cannot be read ({exc.strerror}); nothing was imported.") from exc
    return parse_file(path, raw, modified)


def _attach_images(session: Session, item: ParsedFile, skipped: list[str]) -> tuple[EntryFields, int]:
    """Stores the local images an entry points at, so its export carries them."""
    body = item.fields.body
    assert isinstance(body, str)
    stored = 0
    for ref in dict.fromkeys(item.image_refs):
        candidate = (item.path.parent / ref.lstrip("/")).resolve()
        if candidate.suffix.lower() not in IMAGE_SUFFIXES or not candidate.is_file():
            skipped.append(f"{item.path.name}: image {ref} not found beside the file")
            continue
        try:
            data = candidate.read_bytes()
        except OSError as exc:
            raise ImportFailed(
                f"{item.path.name}: the image {ref} cannot be read ({exc.strerror}); nothing was imported."
            ) from exc
        row = store_asset(session, candidate.name, data)
        stored += 1
        if row.filename != candidate.name:
            body = body.replace(f"({ref}", f"(assets/{row.filename}")
    if body is item.fields.body:
        return item.fields, stored
    return replace(item.fields, body=body), stored
