"""The export use case: read one snapshot, generate the site through the theme, write it guarded."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.config import theme_override_dir
from fieldnotes_desktop.errors import ExportCancelled, ExportFailed, FieldnotesError, NotFoundError
from fieldnotes_desktop.export.archives import archive_slugs
from fieldnotes_desktop.export.context import (
    MORE_LINKS,
    Catalog,
    EntryPageContext,
    Surroundings,
    build_page_context,
    counted,
    more_field_notes,
    relative_linker,
)
from fieldnotes_desktop.export.entry_page import ENTRY_TEMPLATES
from fieldnotes_desktop.export.links import dangling_links, partial_site_warning
from fieldnotes_desktop.export.single import single_file_page
from fieldnotes_desktop.export.site import (
    ENTRY_DEPTH,
    SITE_TEMPLATES,
    Job,
    SiteBuilder,
    SiteSnapshot,
    now_html,
)
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.export.disk import describe_os_error, write_file_atomically
from fieldnotes_desktop.export.redirects import REDIRECT_TEMPLATE, page_path, plan_redirects, redirect_page
from fieldnotes_desktop.export.writer import SiteWriter
from fieldnotes_desktop.records import FINISHED, Entry
from fieldnotes_desktop.services.assets import AssetService
from fieldnotes_desktop.services.clock import Clock, utc_now
from fieldnotes_desktop.services.entries import EntryService
from fieldnotes_desktop.services.site import SiteService
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import publishing
from fieldnotes_desktop.store import repository as repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class ExportOptions:
    out: Path
    slugs: tuple[str, ...] = ()
    include_drafts: bool = False
    self_contained: bool = False
    theme_dir: Path | None = None

    def check(self) -> None:
        """Refuses combinations that cannot work, before anything is read or written.

        The one place for these checks: the command line and the export dialog both land here.
        """
        out, theme = self.out, self.theme_dir
        if self.self_contained:
            if len(set(self.slugs)) != 1:
                raise ExportFailed("--self-contained writes one entry as one file; name exactly one with --entry SLUG.")
            if out.is_dir():
                raise ExportFailed(f"{out} is a folder; with --self-contained, --out names a file such as post.html.")
        elif out.exists() and not out.is_dir():
            raise ExportFailed(f"{out} is a file; --out names the folder the site is written into.")
        if theme is not None and theme.exists() and not theme.is_dir():
            raise ExportFailed(f"{theme} is a file, not a folder; --theme names a folder of templates.")
        if theme is not None and not theme.is_dir():
            raise ExportFailed(f"The theme folder {theme} does not exist; check the path given to --theme.")


@dataclass(frozen=True)
class ExportReport:
    out: Path
    pages: int  # HTML pages written
    entries: int  # entry pages among them
    assets: int  # files under assets/: stylesheets and images
    warnings: tuple[str, ...]
    seconds: float
    changed: int = 0  # files written this time; the others already held the same bytes
    removed: int = 0  # files of the previous export that the site no longer has
    redirected: int = 0  # redirect pages at old addresses of renamed entries

    def summary(self) -> str:
        """`Exported 14 pages (8 entries), 4 assets and 0 warnings to site in 0.41 s: 3 files changed.`"""
        changes = [counted(self.changed, "file") + " changed" if self.changed else "nothing changed"]
        if self.removed:
            changes.append(f"{counted(self.removed, 'file')} removed")
        if self.redirected:
            changes.append(f"{counted(self.redirected, 'redirect')} to renamed entries")
        return (
            f"Exported {counted(self.pages, 'page')} ({counted(self.entries, 'entry', 'entries')}), "
            f"{counted(self.assets, 'asset')} and {counted(len(self.warnings), 'warning')} "
            f"to {self.out} in {self.seconds:.2f} s: {', '.join(changes)}."
        )


class ExportService:
    """Exports the site or chosen entries; the page context also feeds the live preview."""

    def __init__(
        self,
        store: Store,
        entries: EntryService,
        site: SiteService,
        assets: AssetService,
        clock: Clock = utc_now,
        default_theme_dir: Path | None = None,
    ) -> None:
        self._store = store
        self._entries = entries
        self._site = site
        self._assets = assets
        self._clock = clock
        self._default_theme_dir = default_theme_dir or theme_override_dir(store.path)

    # -- the preview's half ----------------------------------------------------------------

    def page_context(self, entry: Entry) -> EntryPageContext:
        """Masthead numbers, meta line, author card, now and more links, as the export shows them.

        The preview asks on every pause in typing, so this reads a few rows by index instead of
        every finished entry; and it asks the database each time, so a number is never stale.
        A draft shows the number it would get once finished.
        """
        site = self._site.get()
        with self._store.transaction() as s:
            number = publishing.would_be_number(s, entry)
            same = publishing.newest_finished(s, entry.id, MORE_LINKS, entry.category) if entry.category else []
            # enough to fill the list even when every same-category pick is among the newest
            newest = publishing.newest_finished(s, entry.id, 2 * MORE_LINKS)
            categories, tags = publishing.published_names(s)
        catalog = Catalog(site, archive_slugs([*categories, entry.category]), archive_slugs([*tags, *entry.tags]))
        around = Surroundings(number, tuple(more_field_notes(entry.id, same, newest)))
        return build_page_context(entry, catalog, around, now_html(site), relative_linker(ENTRY_DEPTH))

    # -- the export ------------------------------------------------------------------------

    def export(
        self,
        options: ExportOptions,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ExportReport:
        started = time.perf_counter()
        options.check()
        theme = Theme(options.theme_dir or self._default_theme_dir)
        snapshot = self._read_snapshot(options)
        builder = SiteBuilder(
            theme, snapshot, now=self._clock(), find_asset=self._assets.find, asset_data=self._assets.data
        )
        if options.self_contained:
            return self._export_single(options, builder, progress, started)
        builder.check_templates(ENTRY_TEMPLATES + (REDIRECT_TEMPLATE,) + (() if options.slugs else SITE_TEMPLATES))
        writer = SiteWriter(options.out)  # also finishes an export of this folder that was interrupted
        jobs = builder.entry_jobs() + builder.stylesheet_jobs()
        if not options.slugs:
            jobs += builder.site_jobs()
        pages_of = {e.uuid: page_path(e.slug) for e in snapshot.entries}
        redirects = plan_redirects(writer.previous, pages_of, {j.path for j in jobs})
        by_uuid = {e.uuid: e for e in snapshot.entries}
        jobs += [
            Job(path, f"redirect {path}", partial(redirect_page, theme, snapshot.site, by_uuid[uuid]))
            for path, uuid in sorted(redirects.items())
        ]
        total = len(jobs)
        pages: dict[str, str] | None = {} if options.slugs else None  # a whole site is not held in memory
        try:
            done = self._run(writer, jobs, 0, total, progress, cancelled, pages)
            images = builder.asset_jobs()
            self._run(writer, images, done, total + len(images), progress, cancelled)
            # Read before commit() puts this run's files in place: those are in `jobs` already.
            dangling = dangling_links(writer.root, pages, {j.path for j in (*jobs, *images)}) if pages else []
        except BaseException:
            writer.abort()
            raise
        result = writer.commit(entries=pages_of, redirects=redirects, whole_site=not options.slugs)
        warnings = builder.warnings + builder.images.warnings()
        if dangling:
            # The links stay: the page is meant for a folder that holds the site, and will work
            # there; dropping them would publish a poorer page once it is copied alongside.
            warnings.append(partial_site_warning(len(dangling), options.out))
        warnings += self._record_exports(snapshot.entries)
        site_files = [p for p in (*result.written, *result.unchanged) if p not in redirects]
        return _report(
            options.out, site_files, len(snapshot.entries), warnings, started,
            changed=len(result.written), removed=len(result.removed), redirected=len(redirects),
        )

    def _run(
        self,
        writer: SiteWriter,
        jobs: Sequence[Job],
        done: int,
        total: int,
        progress: Progress | None,
        cancelled: Cancelled | None,
        pages: dict[str, str] | None = None,
    ) -> int:
        """Stages each job's file; HTML pages are also kept in `pages` when one is given."""
        for job in jobs:
            if cancelled is not None and cancelled():
                raise ExportCancelled("The export was stopped; no file in the folder was changed.")
            content = job.make()
            writer.stage(job.path, content)
            if pages is not None and isinstance(content, str) and job.path.endswith(".html"):
                pages[job.path] = content
            done += 1
            if progress is not None:
                progress(done, total, job.label)
        return done

    def _export_single(
        self, options: ExportOptions, builder: SiteBuilder, progress: Progress | None, started: float
    ) -> ExportReport:
        (entry,) = builder.snapshot.entries  # one slug, checked by ExportOptions.check()
        out = options.out
        builder.check_templates(ENTRY_TEMPLATES)
        page = single_file_page(builder, entry)
        try:
            write_file_atomically(out, page.encode("utf-8"))
        except OSError as exc:
            raise ExportFailed(describe_os_error(exc, out) + " No file was changed.") from exc
        if progress is not None:
            progress(1, 1, entry.slug)
        warnings = builder.warnings + builder.images.warnings() + self._record_exports((entry,))
        return _report(out, [out.name], 1, warnings, started, changed=1)

    # -- reading and recording -------------------------------------------------------------

    def _read_snapshot(self, options: ExportOptions) -> SiteSnapshot:
        # The site profile is one row that no entry depends on, so reading it just before the
        # entries' snapshot is as good as inside it.
        site = self._site.get()
        with self._store.snapshot() as s:
            everything = publishing.entries_outside_trash(s)
            finished = tuple(e.summary_record() for e in everything if e.status == FINISHED)
            if options.slugs:
                chosen = self._chosen(s, everything, options)
            else:
                chosen = [e for e in everything if options.include_drafts or e.status == FINISHED]
        return SiteSnapshot(site=site, entries=tuple(chosen), finished=finished)

    @staticmethod
    def _chosen(session: Session, entries: Sequence[Entry], options: ExportOptions) -> list[Entry]:
        by_slug = {e.slug: e for e in entries}
        chosen = []
        for slug in dict.fromkeys(options.slugs):
            entry = by_slug.get(slug)
            if entry is None:
                if repo.slug_taken(session, slug):  # by an entry in the trash, then
                    raise NotFoundError(f"The entry “{slug}” is in the trash; restore it to export it.")
                raise NotFoundError(f"There is no entry with the slug “{slug}”; `fieldnotes list` shows them.")
            if entry.status != FINISHED and not options.include_drafts:
                raise ExportFailed(f"“{slug}” is a draft; add --include-drafts to export it anyway.")
            chosen.append(entry)
        return chosen

    def _record_exports(self, entries: Sequence[Entry]) -> list[str]:
        """An `export` revision per entry, so the app can show what changed since publishing.

        An entry exported again unchanged keeps its one revision instead of piling up copies.
        """
        try:
            with self._store.full_sync() as s:
                publishing.record_exports(s, entries, self._clock())
        except FieldnotesError as exc:
            return [f"The site was written, but the export snapshots were not recorded: {exc}"]
        return []


def _report(
    out: Path, files: Sequence[str], entries: int, warnings: Sequence[str], started: float,
    *, changed: int, removed: int = 0, redirected: int = 0,
) -> ExportReport:
    """`files` are the site paths the export holds now, written this time or already in place."""
    return ExportReport(
        out=out,
        pages=sum(1 for p in files if p.endswith(".html")),
        entries=entries,
        assets=sum(1 for p in files if p.startswith("assets/")),
        warnings=tuple(warnings),
        seconds=round(time.perf_counter() - started, 3),
        changed=changed,
        removed=removed,
        redirected=redirected,
    )
