"""The export use case: read one snapshot, generate the site through the theme, write it guarded."""

from __future__ import annotations

import collections
import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.config import theme_override_dir
from fieldnotes_desktop.errors import ExportCancelled, ExportFailed, FieldnotesError, NotFoundError
from fieldnotes_desktop.export.archives import archive_slugs
from fieldnotes_desktop.export.bodies import BATCH, BodyRenderer
from fieldnotes_desktop.export.context import (
    MORE_LINKS,
    Catalog,
    EntryPageContext,
    PageExtras,
    Surroundings,
    build_page_context,
    counted,
    more_field_notes,
    relative_linker,
)
from fieldnotes_desktop.export.entry_page import ENTRY_DEPTH, ENTRY_TEMPLATES
from fieldnotes_desktop.export.links import dangling_links, partial_site_warning
from fieldnotes_desktop.export.single import single_file_page
from fieldnotes_desktop.export.published import PublishedPages
from fieldnotes_desktop.export.shelf import Picked, Shelf
from fieldnotes_desktop.export.site import (
    SITE_TEMPLATES,
    Job,
    SiteBuilder,
    SiteSnapshot,
    now_html,
)
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.export.disk import describe_os_error, write_file_atomically
from fieldnotes_desktop.export.redirects import REDIRECT_TEMPLATE, plan_alias_redirects, plan_redirects, redirect_page
from fieldnotes_desktop.export.writer import SiteWriter
from fieldnotes_desktop.records import FINISHED, SCHEDULED, Entry, EntrySummary
from fieldnotes_desktop.render.section_cache import TemplateStore
from fieldnotes_desktop.services.assets import AssetService
from fieldnotes_desktop.services.clock import Clock, utc_now
from fieldnotes_desktop.services.entries import EntryService
from fieldnotes_desktop.services.schedule import ScheduleService
from fieldnotes_desktop.services.section_cache import StoredSections, trim_section_cache
from fieldnotes_desktop.services.site import SiteService
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import export_reads, publishing
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
    # An `export` revision per entry marks what was published; a publish's dry run builds the
    # site to compare it, publishes nothing, and so records nothing.
    record: bool = True

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
    redirected: int = 0  # redirect pages at old addresses of renamed or moved-in entries

    def summary(self) -> str:
        """`Exported 14 pages (8 entries), 4 assets and 0 warnings to site in 0.41 s: 3 files changed.`"""
        changes = [counted(self.changed, "file") + " changed" if self.changed else "nothing changed"]
        if self.removed:
            changes.append(f"{counted(self.removed, 'file')} removed")
        if self.redirected:
            changes.append(f"{counted(self.redirected, 'redirect')} from old addresses")
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
        workers: int | None = None,
        schedule: ScheduleService | None = None,
    ) -> None:
        """`workers`: processes a large export renders bodies in (None: one per core; 1: none);
        `schedule` releases the scheduled entries that are due before each export."""
        self._store = store
        self._entries = entries
        self._site = site
        self._assets = assets
        self._clock = clock
        self._default_theme_dir = default_theme_dir or theme_override_dir(store.path)
        self._workers = workers
        self._schedule = schedule or ScheduleService(store, clock)
        # Shared with the preview: `SectionRenderer(image_url=…, shared=exports.section_cache, typography=…)`.
        self.section_cache: TemplateStore = StoredSections(store)

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
        # Scheduled entries whose moment has passed become finished first, in a transaction of
        # their own, so that the snapshot below (and so this export) publishes them.
        self._schedule.release_due(self._clock())
        theme = Theme(options.theme_dir or self._default_theme_dir)
        # One snapshot for the whole export: bodies are read from it a batch at a time, so the
        # site is made of one state of the database without holding every body at once.
        with self._store.snapshot() as s, contextlib.ExitStack() as held:
            snapshot = self._read_snapshot(s, options)
            held.callback(_close_shelf, snapshot)
            builder = SiteBuilder(
                theme, snapshot, now=self._clock(), find_asset=self._assets.find, asset_data=self._assets.data
            )
            try:
                if options.self_contained:
                    return self._export_single(options, builder, s, progress, started)
                return self._export_site(options, builder, s, progress, cancelled, started)
            finally:
                builder.close()

    def _export_site(
        self,
        options: ExportOptions,
        builder: SiteBuilder,
        session: Session,
        progress: Progress | None,
        cancelled: Cancelled | None,
        started: float,
    ) -> ExportReport:
        snapshot, theme = builder.snapshot, builder.theme
        builder.check_templates(ENTRY_TEMPLATES + (REDIRECT_TEMPLATE,) + (() if options.slugs else SITE_TEMPLATES))
        writer = SiteWriter(options.out)  # also finishes an export of this folder that was interrupted
        builder.published.published_before(partial(_wrote_before, writer))
        later = builder.stylesheet_jobs() + ([] if options.slugs else builder.site_jobs())
        published = PublishedPages(snapshot.entries, (j.path for j in later))
        redirects = plan_redirects(writer.previous, published)
        redirects |= {
            path: uuid for path, uuid in plan_alias_redirects(export_reads.old_addresses(session), published).items()
            if path not in redirects
        }
        moved = set(redirects.values())
        by_uuid = {e.uuid: e for e in snapshot.entries if e.uuid in moved} if moved else {}
        later += [
            Job(path, f"redirect {path}", partial(redirect_page, theme, snapshot.site, by_uuid[uuid], path))
            for path, uuid in sorted(redirects.items())
        ]
        total = len(snapshot.entries) + len(later)
        pages: dict[str, str] | None = {} if options.slugs else None  # a whole site is not held in memory
        bodies: BodyRenderer | None = None
        try:
            # The workers write a whole site's pages into the staging folder themselves; the
            # pages of a few chosen entries come back here, to have their links checked.
            staging = writer.staging_folder() if pages is None else None
            bodies = BodyRenderer(
                builder.images, self.section_cache, builder.typography,
                workers=self._workers, staging=staging,
                sections=None if self._store.on_server else self._store.path,
            )
            if pages is None:
                done, to_build = self._keep_pages(writer, builder, session, cancelled, progress, total)
            else:  # a few chosen entries: built, so that their links can be checked against the folder
                done, to_build = 0, list(snapshot.entries)
            recent = _RecentBodies(session)
            for entry, page, ctx in bodies.pages(to_build, recent, builder):
                _check(cancelled)
                path = builder.entry_page_path(entry)
                excerpt = builder.excerpt_of(entry)
                if page.written is not None:  # by a worker, which digested its inputs too
                    writer.stage_written(path, page.written, inputs=page.inputs, excerpt=excerpt)
                else:
                    # what the next export compares to keep the page; a partial export records none
                    inputs = builder.entry_inputs(entry, recent.body(entry.id), ctx) if pages is None else None
                    writer.stage(path, page.html, inputs=inputs, excerpt=excerpt)
                if pages is not None:
                    pages[path] = page.html
                done += 1
                if progress is not None:
                    progress(done, total, entry.slug)
            bodies.close()
            done = self._run(writer, later, done, total, progress, cancelled, pages)
            images = builder.asset_jobs()
            self._run(writer, images, done, total + len(images), progress, cancelled)
            # Read before commit() puts this run's files in place: those are in `paths` already.
            if pages:
                paths = [*map(builder.entry_page_path, snapshot.entries), *(j.path for j in later)]
                dangling = dangling_links(writer.root, pages, {*paths, *redirects, *(j.path for j in images)})
            else:
                dangling = []
        except BaseException:
            if bodies is not None:
                bodies.close()
            writer.abort()
            raise
        entries = ((e.uuid, builder.entry_page_path(e)) for e in snapshot.entries)
        result = writer.commit(entries=entries, redirects=redirects, whole_site=not options.slugs)
        warnings = builder.warnings + builder.images.warnings() + builder.alt_text.warnings()
        if dangling:
            # The links stay: the page is meant for a folder that holds the site, and will work
            # there; dropping them would publish a poorer page once it is copied alongside.
            warnings.append(partial_site_warning(len(dangling), options.out))
        if options.record:
            warnings += self._record_exports(session, snapshot.entries)
        if not options.slugs:
            trim_section_cache(self._store, session, builder.typography)
        site_files = [p for p in (*result.written, *result.unchanged) if p not in redirects]
        return _report(
            options.out, site_files, len(snapshot.entries), warnings, started,
            changed=len(result.written), removed=len(result.removed), redirected=len(redirects),
        )

    @staticmethod
    def _keep_pages(
        writer: SiteWriter,
        builder: SiteBuilder,
        session: Session,
        cancelled: Cancelled | None,
        progress: Progress | None,
        total: int,
    ) -> tuple[int, Sequence[EntrySummary]]:
        """Keeps the entry pages whose inputs are those of the last export; returns how many,
        and the entries still to build (all of them for a folder never exported to)."""
        done = 0
        entries = builder.snapshot.entries
        if writer.previous.db is None:
            return done, entries
        to_build = Picked(entries.entries if isinstance(entries, Picked) else entries)
        positions = entries.positions if isinstance(entries, Picked) else range(len(entries))
        for start in range(0, len(entries), BATCH):
            _check(cancelled)
            chunk = entries[start : start + BATCH]
            bodies = export_reads.bodies(session, [e.id for e in chunk])
            for position, entry in zip(positions[start : start + BATCH], chunk):
                digest = builder.entry_inputs(entry, bodies.get(entry.id, ""))
                excerpt = writer.keep(builder.entry_page_path(entry), digest) if digest else None
                if excerpt is None:
                    to_build.append(position)
                    continue
                builder.kept(entry, excerpt)
                done += 1
                if progress is not None:
                    progress(done, total, entry.slug)
        return done, to_build

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
            _check(cancelled)
            inputs = job.inputs() if job.inputs is not None and pages is None else None
            if inputs is not None and writer.keep(job.path, inputs) is not None:
                content: str | bytes = ""
                if job.release is not None:
                    job.release()
            else:
                made = job.make()
                if isinstance(made, (str, bytes)):
                    content = made
                    writer.stage(job.path, content, inputs=inputs)
                elif pages is None:
                    content = ""  # streamed to the staging folder: the page is never held whole
                    writer.stage_chunks(job.path, made, inputs=inputs)
                else:
                    content = "".join(made)  # its links are checked: held, like the entry pages
                    writer.stage(job.path, content, inputs=inputs)
            if pages is not None and isinstance(content, str) and job.path.endswith(".html"):
                pages[job.path] = content
            done += 1
            if progress is not None:
                progress(done, total, job.label)
        return done

    def _export_single(
        self, options: ExportOptions, builder: SiteBuilder, session: Session, progress: Progress | None, started: float
    ) -> ExportReport:
        (summary,) = builder.snapshot.entries  # one slug, checked by ExportOptions.check()
        (entry,) = _with_bodies(session, [summary])
        out = options.out
        builder.check_templates(ENTRY_TEMPLATES)
        page = single_file_page(builder, entry)
        try:
            write_file_atomically(out, page.encode("utf-8"))
        except OSError as exc:
            raise ExportFailed(describe_os_error(exc, out) + " No file was changed.") from exc
        if progress is not None:
            progress(1, 1, entry.slug)
        warnings = builder.warnings + builder.images.warnings() + builder.alt_text.warnings() + self._record_exports(session, (entry,))
        return _report(out, [out.name], 1, warnings, started, changed=1)

    # -- reading and recording -------------------------------------------------------------

    def _read_snapshot(self, session: Session, options: ExportOptions) -> SiteSnapshot:
        # The site profile is one row that no entry depends on, so reading it just before the
        # entries' snapshot is as good as inside it.
        site = self._site.get()
        # Every summary on a shelf on disk, oldest first; the lists hold positions in it.
        everything = Shelf(export_reads.summaries_outside_trash(session))
        finished = Picked(everything, (i for i, e in enumerate(everything) if e.status == FINISHED))
        if options.slugs:
            chosen: Sequence[EntrySummary] = self._chosen(session, everything, options)
        else:
            chosen = everything if options.include_drafts else finished
        extras = {
            entry_id: PageExtras(cover.strip(), author.strip(), time.strip())
            for entry_id, (cover, author, time) in export_reads.page_extras(session).items()
        }
        return SiteSnapshot(site=site, entries=chosen, finished=finished, extras=extras)

    @staticmethod
    def _chosen(session: Session, entries: Shelf, options: ExportOptions) -> list[EntrySummary]:
        chosen = []
        for slug in dict.fromkeys(options.slugs):
            position = entries.position_of_slug(slug)
            entry = None if position is None else entries[position]
            if entry is None:
                if repo.slug_taken(session, slug):  # by an entry in the trash, then
                    raise NotFoundError(f"The entry “{slug}” is in the trash; restore it to export it.")
                raise NotFoundError(f"There is no entry with the slug “{slug}”; `fieldnotes list` shows them.")
            if entry.status != FINISHED and not options.include_drafts:
                kind = "is a draft" if entry.status != SCHEDULED else "is scheduled for later"
                raise ExportFailed(f"“{slug}” {kind}; add --include-drafts to export it anyway.")
            chosen.append(entry)
        return chosen

    def _record_exports(self, session: Session, entries: Sequence[EntrySummary]) -> list[str]:
        """An `export` revision per entry, so the app can show what changed since publishing.

        An entry exported again unchanged keeps its one revision instead of piling up copies.
        One transaction, fed a batch of bodies at a time from the export's snapshot `session`.
        """
        try:
            with self._store.full_sync() as s:
                for start in range(0, len(entries), BATCH):
                    chunk = _with_bodies(session, entries[start : start + BATCH])
                    publishing.record_exports(s, chunk, self._clock())
                    # Still one transaction, but the rows written so far leave the session's
                    # memory: ten thousand bodies would otherwise wait there for the commit.
                    s.flush()
                    s.expunge_all()
        except FieldnotesError as exc:
            return [f"The site was written, but the export snapshots were not recorded: {exc}"]
        return []

class _RecentBodies:
    """`export_reads.bodies` that keeps the last two batches it read: the pages being built are
    of the batch before the one the renderer reads ahead, and their inputs digest the body."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._held: collections.deque[Mapping[int, str]] = collections.deque(maxlen=2)

    def __call__(self, ids: Sequence[int]) -> Mapping[int, str]:
        found = export_reads.bodies(self._session, ids)
        self._held.append(found)
        return found

    def body(self, entry_id: int) -> str:
        for batch in self._held:
            if entry_id in batch:
                return batch[entry_id]
        return ""


def _wrote_before(writer: SiteWriter, path: str, inputs: str) -> bool:
    """Whether the last export into the writer's folder wrote `path` from these `inputs`."""
    recorded = writer.previous.page(path)
    return recorded is not None and recorded[1] == inputs


def _close_shelf(snapshot: SiteSnapshot) -> None:
    shelf = snapshot.finished.entries if isinstance(snapshot.finished, Picked) else snapshot.finished
    if isinstance(shelf, Shelf):
        shelf.close()


def _check(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ExportCancelled("The export was stopped; no file in the folder was changed.")


def _with_bodies(session: Session, summaries: Sequence[EntrySummary]) -> list[Entry]:
    bodies = export_reads.bodies(session, [e.id for e in summaries])
    fields = EntrySummary.__dataclass_fields__
    return [
        Entry(**{name: getattr(e, name) for name in fields}, body=bodies[e.id])
        for e in summaries
        if e.id in bodies
    ]


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
