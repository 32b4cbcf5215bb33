"""The Markdown export use case: every entry (drafts too) as a Hugo or Jekyll folder of Markdown files and images."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.errors import ExportCancelled, ExportFailed, NotFoundError
from fieldnotes_desktop.export.context import counted
from fieldnotes_desktop.export.image_strip import strip_metadata
from fieldnotes_desktop.export.markdown_folder import MarkdownFolder
from fieldnotes_desktop.export.markdown_out import HUGO, LAYOUT_NAMES, LAYOUTS, MarkdownLayout
from fieldnotes_desktop.records import Asset, EntrySummary
from fieldnotes_desktop.render.svg import UnsafeSvg, is_svg, sanitize_svg
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import assets as asset_rows
from fieldnotes_desktop.store import export_reads
from fieldnotes_desktop.store import repository as repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class MarkdownExportOptions:
    out: Path
    layout: str = HUGO
    slugs: tuple[str, ...] = ()  # only these entries (nothing of an earlier export is removed then)

    def check(self) -> None:
        if self.layout not in LAYOUTS:
            raise ExportFailed(f"“{self.layout}” is not a layout; use one of: {', '.join(LAYOUTS)}.")


@dataclass(frozen=True)
class MarkdownExportReport:
    out: Path
    layout: str
    entries: int
    images: int
    changed: int  # files written this time; the others held the same bytes already
    removed: int  # files of an earlier export that no entry has any more
    warnings: tuple[str, ...]
    seconds: float

    def summary(self) -> str:
        """`Exported 8 entries and 3 images as a Hugo site to notes in 0.12 s: 11 files changed.`"""
        changes = counted(self.changed, "file") + " changed" if self.changed else "nothing changed"
        if self.removed:
            changes += f", {counted(self.removed, 'file')} removed"
        return (
            f"Exported {counted(self.entries, 'entry', 'entries')} and {counted(self.images, 'image')} "
            f"as a {LAYOUT_NAMES[self.layout]} site to {self.out} in {self.seconds:.2f} s: {changes}."
        )


class MarkdownExportService:
    """Reads one snapshot of the desk and writes it out as Markdown with front matter."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def export(
        self, options: MarkdownExportOptions, progress: Progress | None = None, cancelled: Cancelled | None = None
    ) -> MarkdownExportReport:
        started = time.perf_counter()
        options.check()
        with self._store.snapshot() as s:
            chosen = _chosen(s, options.slugs)
            folder = MarkdownFolder(options.out, options.layout)
            try:
                warnings, images = self._write(s, chosen, folder, progress, cancelled)
            except BaseException:
                folder.stop()
                raise
            removed = folder.finish(whole=not options.slugs)
        return MarkdownExportReport(
            out=options.out, layout=options.layout, entries=len(chosen), images=images, changed=folder.changed,
            removed=removed, warnings=tuple(warnings), seconds=round(time.perf_counter() - started, 3),
        )

    @staticmethod
    def _write(
        session: Session, chosen: Sequence[EntrySummary], folder: MarkdownFolder,
        progress: Progress | None, cancelled: Cancelled | None,
    ) -> tuple[list[str], int]:
        layout = MarkdownLayout(folder.layout, lambda reference: _find(session, reference))
        warnings: list[str] = []
        images = 0
        for done, summary in enumerate(chosen, 1):
            if cancelled is not None and cancelled():
                raise ExportCancelled("The export was stopped; the files written so far are complete.")
            made = layout.file_for(repo.get_entry(session, summary.id))
            folder.write(made.path, made.text.encode("utf-8"))
            for path, asset in made.images.items():
                if folder.has(path):
                    continue  # Jekyll's images are shared between entries
                data = _image_bytes(session, asset, warnings)
                if data is not None:
                    folder.write(path, data)
                    images += 1
            if progress is not None:
                progress(done, len(chosen), summary.slug)
        return warnings, images


def _chosen(session: Session, slugs: Sequence[str]) -> list[EntrySummary]:
    everything = list(export_reads.summaries_outside_trash(session))
    if not slugs:
        return everything
    by_slug = {entry.slug: entry for entry in everything}
    missing = [slug for slug in dict.fromkeys(slugs) if slug not in by_slug]
    if missing:
        raise NotFoundError(f"There is no entry with the slug “{missing[0]}”; `fieldnotes list` shows them.")
    return [by_slug[slug] for slug in dict.fromkeys(slugs)]


def _find(session: Session, reference: str) -> Asset | None:
    """The stored image a reference names, as the renderer finds it: by file name, any folder."""
    name = reference.split("?")[0].split("#")[0].rsplit("/", 1)[-1]
    return asset_rows.find_asset(session, name) if name else None


def _image_bytes(session: Session, asset: Asset, warnings: list[str]) -> bytes | None:
    """The image as published; an SVG made inert first, as the site export does, or left out; a
    photo without the metadata that says where it was taken (its pixels as stored)."""
    data = asset_rows.asset_data(session, asset.sha256)
    if not is_svg(asset.filename, asset.mime):
        return strip_metadata(data).data
    try:
        return sanitize_svg(data)
    except UnsafeSvg as exc:
        warnings.append(f"{asset.filename} {exc}, so it was left out of the export.")
        return None
