"""Builds whole entry pages in an export's worker processes: the body rendered, the theme applied.

A worker is given, for each entry, its page context, its body and the rendered sections the
database already holds for it (or it reads them from the database file itself); it writes the finished page into the export's staging folder
(when it is given one, or else sends the page back) and returns what the site's other pages
take from it, with the sections it had to render, for this process to keep. Only bodies without images go to workers (an image's
address is resolved against the database, which only the exporting process reads).

A worker loads the theme from the folder the export names and checks that it is the theme
the export fingerprinted: a page built from other templates would be kept by the next export
as if it were current. A theme that changed meanwhile sends the pages back to be built here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fieldnotes_desktop.export.context import EntryPageContext
from fieldnotes_desktop.export.disk import StagingFolder
from fieldnotes_desktop.export.head_meta import external_cover
from fieldnotes_desktop.export.entry_page import ENTRY_TEMPLATES, BuiltPage, build_entry_page, page_inputs
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.render.section_cache import Gathered, keys_for, load_many
from fieldnotes_desktop.render.section_renderer import SectionRenderer
from fieldnotes_desktop.render.sections import scan_source
from fieldnotes_desktop.render.typography import Typography
from fieldnotes_desktop.store.section_file import SectionFile


@dataclass(frozen=True, slots=True)
class PageKit:
    """What a worker needs to build the export's pages: its theme (folder, time limit, fingerprint),
    the site's typography, and more."""

    theme_dir: Path | None
    seconds: float
    fingerprint: str
    page_base: bytes  # what every page's inputs share (`entry_page.page_inputs`)
    typography: Typography  # the site's, which the bodies are rendered with
    sections: Path | None = None  # the database file whose kept sections a job without `held` reads


@dataclass(frozen=True, slots=True)
class PageJob:
    ctx: EntryPageContext
    body: str
    # payloads (by key) of the body's sections the database holds; None: read them from `sections`
    held: Mapping[str, str] | None
    in_feed: bool
    staged_as: str | None = None  # the page's file name in the staging folder


class ThemeChanged(Exception):
    """The theme's files are not those the export started with."""


_themes: dict[PageKit, Theme] = {}  # one per worker process and theme
_files: dict[Path, SectionFile] = {}  # and one connection per database


def _section_file(path: Path) -> SectionFile:
    found = _files.get(path)
    if found is None:
        for other in _files.values():
            other.close()
        _files.clear()
        found = _files[path] = SectionFile(path)
    return found


def theme_for(kit: PageKit) -> Theme:
    theme = _themes.get(kit)
    if theme is None:
        theme = Theme(kit.theme_dir, kit.seconds)
        if theme.fingerprint() != kit.fingerprint:
            raise ThemeChanged(f"the theme in {kit.theme_dir or 'the package'} changed during the export")
        _themes.clear()  # an app's workers live for one export: the last theme is the one used
        _themes[kit] = theme
    return theme


def warm_up(kit: PageKit) -> None:
    """Loads the theme and compiles the entry templates before the first pages come."""
    theme_for(kit).check(ENTRY_TEMPLATES)


def build_pages(
    kit: PageKit, jobs: Sequence[PageJob], staging: StagingFolder | None = None
) -> list[tuple[BuiltPage, dict[str, str]]]:
    """Each job's page, and the payloads of the sections rendered for it (none held before).

    Runs in a worker; what it returns is pickled back. A page with a `staged_as` name is
    written into `staging` and comes back without its text. A theme that fails raises its
    one `ExportFailed` sentence, which reaches the writer as if the page had been built here.
    """
    theme = theme_for(kit)
    gathered = Gathered()
    renderer = SectionRenderer(cache_size=0, shared=gathered, typography=kit.typography)
    scans = [scan_source(job.body) for job in jobs]
    keys = [keys_for(scan, kit.typography) for scan in scans]
    unheld = [k for job, some in zip(jobs, keys) if job.held is None for k in some]
    read = _section_file(kit.sections).get_many(list(dict.fromkeys(unheld))) if unheld and kit.sections else {}
    out = []
    for job, scan, some in zip(jobs, scans, keys):
        held = job.held if job.held is not None else {k: read[k] for k in some if k in read}
        document = renderer.render_scan(scan, load_many(held))
        # a worker's pages hold no image of the database: an image on the web is all a preview can show
        page = build_entry_page(theme, job.ctx, document, in_feed=job.in_feed, image=external_cover(job.ctx))
        if staging is not None and job.staged_as is not None:
            # a page in the feed is always built (the feed wants its body): it is kept by no inputs
            inputs = None if job.in_feed else page_inputs(kit.page_base, job.ctx, job.body)
            written = staging.write(job.staged_as, page.html.encode("utf-8"))
            page = BuiltPage("", page.excerpt, page.feed_body, written, inputs)
        out.append((page, gathered.take()))
    return out

