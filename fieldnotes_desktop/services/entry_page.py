"""One entry's published page as one self-contained HTML document in memory, for printing to PDF."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from fieldnotes_desktop.services.publish import ExportOptions, ExportService


@dataclass(frozen=True, slots=True)
class EntryPage:
    html: bytes
    warnings: tuple[str, ...]


def entry_page(
    exports: ExportService, slug: str, *, include_drafts: bool = True, theme_dir: Path | None = None
) -> EntryPage:
    """The page `--self-contained` writes (the preview's page: CSS inlined, images as data URIs).

    Made by that export into a folder of its own, so it is the same page byte for byte.
    """
    with tempfile.TemporaryDirectory(prefix="fieldnotes-page-") as folder:
        out = Path(folder) / "page.html"
        options = ExportOptions(
            out=out, slugs=(slug,), include_drafts=include_drafts, self_contained=True, theme_dir=theme_dir
        )
        report = exports.export(options)
        return EntryPage(out.read_bytes(), report.warnings)
