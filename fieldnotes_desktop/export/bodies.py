"""Builds the entry pages of one export batch by batch: in worker processes, or here.

For each batch the kept sections are asked of the store in one call. Pages whose bodies hold
no image, nor a stored cover (an image's address is resolved against the database, which only this process
reads) go to worker processes, with the sections kept for them, once the export is large
enough to be worth the workers' start; the workers render what is missing, apply the theme
and write the finished pages into the writer's staging folder. The rest are built here, and
so is the first batch while the workers start, unless it has much to render. While the
caller stages the pages of one batch, the workers already build the next: on a site whose
sections are all kept, this process is left with reading, staging and the site's list pages.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from fieldnotes_desktop.export.context import EntryPageContext
from fieldnotes_desktop.export.disk import StagingFolder
from fieldnotes_desktop.export.entry_page import BuiltPage
from fieldnotes_desktop.export.images import ImageResolver
from fieldnotes_desktop.export.page_workers import PageJob, PageKit, ThemeChanged, build_pages, warm_up
from fieldnotes_desktop.records import EntrySummary
from fieldnotes_desktop.render import RenderedDocument
from fieldnotes_desktop.render.parallel import start_pool, worker_count
from fieldnotes_desktop.render.section_cache import Gathered, TemplateStore, keys_for, load_many
from fieldnotes_desktop.render.section_renderer import SectionRenderer
from fieldnotes_desktop.render.sections import SourceScan, scan_source
from fieldnotes_desktop.render.typography import Typography

BATCH = 100  # entries whose bodies are held at once (two batches, with the one being prepared)
# Workers are spawned, a fresh interpreter each (a few tenths of a second of imports): worth it
# for this many bodies to render, or this many pages to build from kept sections.
MIN_TO_RENDER = 50
MIN_TO_BUILD = 400
# This process builds a share of each batch's pages too, while the workers build the rest: more
# when it had to wait for them last time, less when their pages were ready before it was.
SHARE_STEP, MAX_SHARE = 0.1, 0.5

Bodies = Callable[[Sequence[int]], Mapping[int, str]]  # entry ids → their bodies
StartPool = Callable[[int], ProcessPoolExecutor]


class PageSite(Protocol):
    """The site the pages are for (`export.site.SiteBuilder`)."""

    @property
    def page_kit(self) -> PageKit: ...

    def page_context(self, entry: EntrySummary) -> EntryPageContext: ...

    def in_feed(self, entry: EntrySummary) -> bool: ...

    def holds_images(self, entry: EntrySummary, body: str) -> bool: ...

    def entry_page(self, entry: EntrySummary, document: RenderedDocument, ctx: EntryPageContext) -> BuiltPage: ...

    def record(self, entry: EntrySummary, page: BuiltPage) -> None: ...


@dataclass
class _Batch:
    entries: Sequence[EntrySummary]
    texts: list[str]
    # Each body's scan and section keys (`keys_for`); None for a page sent to a worker that
    # reads its kept sections itself, until this process has to build it after all.
    scans: list[SourceScan | None]
    keys: list[list[str] | None]
    kept: dict[str, str]  # payloads the store holds for the scanned bodies' sections, by key
    contexts: list[EntryPageContext | None]
    futures: list[tuple[list[int], Future[list[tuple[BuiltPage, dict[str, str]]]]]] = field(default_factory=list)


class BodyRenderer:
    """The entry pages of one export; `close()` when done (it stops the workers, if any started)."""

    def __init__(
        self,
        images: ImageResolver,
        shared: TemplateStore | None,
        typography: Typography,
        *,
        workers: int | None = None,
        start: StartPool | None = None,
        staging: StagingFolder | None = None,
        sections: Path | None = None,
    ) -> None:
        """`staging`: where workers write the pages they build (None: they send them back).
        `sections`: the database file workers read kept sections from (None: they are sent).
        `typography`: the site's; the workers take theirs from the site's `page_kit`."""
        self._images = images
        self._shared = shared
        self._gathered = Gathered()
        self._renderer = SectionRenderer(
            image_url=images, cache_size=0, shared=self._gathered, typography=typography
        )
        self._workers = worker_count() if workers is None else workers
        self._start = start if start is not None else start_pool
        self._pool: ProcessPoolExecutor | None = None
        self._staging = staging
        self._sections = sections
        self._kit: PageKit | None = None
        self._named = 0  # pages named for the staging folder so far
        # in names of their own: a worker of an export killed a moment ago may still be writing
        self._token = secrets.token_hex(4)
        self._share = 0.0  # of the pages workers could build, those this process builds instead
        self.built_in_workers = 0

    def pages(
        self, entries: Sequence[EntrySummary], bodies: Bodies, site: PageSite
    ) -> Iterator[tuple[EntrySummary, BuiltPage, EntryPageContext]]:
        """Each entry with its page and the page's context, in the order given, `BATCH` bodies read at a time.

        A page a worker wrote to the staging folder comes with its file (`BuiltPage.written`), not its text.
        """
        pending: _Batch | None = None
        for start in range(0, len(entries), BATCH):
            chunk = entries[start : start + BATCH]
            prepared = self._prepare(chunk, bodies([e.id for e in chunk]), site, len(entries))
            if pending is not None:
                yield from self._finish(pending, site)
            pending = prepared
        if pending is not None:
            yield from self._finish(pending, site)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- one batch -------------------------------------------------------------------------

    def _prepare(self, entries: Sequence[EntrySummary], bodies: Mapping[int, str], site: PageSite, total: int) -> _Batch:
        texts = [bodies.get(e.id, "") for e in entries]
        batch = _Batch(entries, texts, [None] * len(texts), [None] * len(texts), {}, [None] * len(texts))
        portable = [i for i, text in enumerate(texts) if not site.holds_images(entries[i], text)]
        kit = self._kit_for(site)
        if self._pool is None:
            self._scan(batch, range(len(texts)))
            to_render = sum(1 for i in portable if any(k not in batch.kept for k in batch.keys[i] or ()))
            pool = self._pool_for(to_render, total, kit)
            if pool is None or to_render < MIN_TO_RENDER:
                return batch  # built here (while the workers start, when they just did)
        else:
            pool = self._pool
        sent = portable[: len(portable) - int(len(portable) * self._share)]
        # What workers reading the database themselves are sent is not scanned here.
        unscanned = set(sent) if kit.sections is not None else set()
        self._scan(batch, [i for i in range(len(texts)) if i not in unscanned and batch.scans[i] is None])
        size = math.ceil(len(sent) / (2 * self._workers)) if sent else 1  # small pieces keep every worker busy
        for at in range(0, len(sent), size):
            part = sent[at : at + size]
            jobs = []
            for i in part:
                ctx = batch.contexts[i] = site.page_context(entries[i])
                keys = batch.keys[i]
                held = None if keys is None else {k: batch.kept[k] for k in keys if k in batch.kept}
                jobs.append(PageJob(ctx, texts[i], held, site.in_feed(entries[i]), self._next_name()))
            try:
                batch.futures.append((part, pool.submit(build_pages, kit, jobs, self._staging)))
            except (BrokenProcessPool, RuntimeError):  # broken, or shut down meanwhile
                self._give_up_workers()
                break
        return batch

    def _scan(self, batch: _Batch, indices: Iterable[int]) -> None:
        """Scans the bodies at `indices` and asks the store, in one call, for their kept sections."""
        wanted: dict[str, None] = {}
        for i in indices:
            scan = batch.scans[i] = scan_source(batch.texts[i])
            keys = batch.keys[i] = keys_for(scan, self._renderer.typography)
            wanted.update(dict.fromkeys(k for k in keys if k not in batch.kept))
        if wanted and self._shared is not None:
            batch.kept.update(self._shared.get_many(list(wanted)))

    def _kit_for(self, site: PageSite) -> PageKit:
        if self._kit is None:
            self._kit = replace(site.page_kit, sections=self._sections)
        return self._kit

    def _finish(self, batch: _Batch, site: PageSite) -> Iterator[tuple[EntrySummary, BuiltPage, EntryPageContext]]:
        built: dict[int, BuiltPage] = {}
        if batch.futures:  # this process builds its share while the workers build theirs
            sent = {i for part, _ in batch.futures for i in part}
            built = {i: self._build_here(batch, i, site) for i in range(len(batch.entries)) if i not in sent}
        fresh: dict[str, str] = {}
        from_workers: set[int] = set()
        waited = broken = False
        for part, future in batch.futures:
            waited = waited or not future.done()
            try:
                results = future.result()
            except (BrokenProcessPool, OSError, ThemeChanged, CancelledError):
                # Workers that could not start, died, or found another theme (the pages of
                # theirs not yet begun are cancelled then): this process builds what they left.
                self._give_up_workers()
                broken = True
                continue
            for i, (made, rendered) in zip(part, results):
                built[i] = made
                fresh.update(rendered)
                from_workers.add(i)
        self.built_in_workers += len(from_workers)
        if batch.futures and not broken:
            step = SHARE_STEP if waited else -SHARE_STEP
            self._share = min(MAX_SHARE, max(0.0, self._share + step))
        batch.kept.update(fresh)
        for i, entry in enumerate(batch.entries):
            page = built.get(i)
            if page is None:
                page = self._build_here(batch, i, site)
            elif i in from_workers:
                site.record(entry, page)  # the site learns here what a worker's page holds
            yield entry, page, batch.contexts[i] or site.page_context(entry)
        fresh.update(self._gathered.take())
        if fresh and self._shared is not None:
            self._shared.put_many(fresh)

    def _build_here(self, batch: _Batch, i: int, site: PageSite) -> BuiltPage:
        entry = batch.entries[i]
        scan, keys = self._scanned(batch, i)
        ctx = batch.contexts[i] = batch.contexts[i] or site.page_context(entry)
        known = load_many({k: batch.kept[k] for k in keys if k in batch.kept})
        self._images.page = entry.slug
        return site.entry_page(entry, self._renderer.render_scan(scan, known), ctx)

    def _scanned(self, batch: _Batch, i: int) -> tuple[SourceScan, list[str]]:
        scan, keys = batch.scans[i], batch.keys[i]
        if scan is None or keys is None:  # sent to a worker that failed: scanned only now
            self._scan(batch, [i])
            return self._scanned(batch, i)
        return scan, keys

    def _pool_for(self, to_render: int, total: int, kit: PageKit) -> ProcessPoolExecutor | None:
        worth_it = to_render >= MIN_TO_RENDER or total >= MIN_TO_BUILD
        if self._pool is None and self._workers > 1 and worth_it:
            try:
                self._pool = self._start(self._workers)
                for _ in range(self._workers):  # each starts, loads the theme, and waits for pages
                    self._pool.submit(warm_up, kit)
            except (OSError, BrokenProcessPool):  # no processes to be had (a sandbox, a limit): one core it is
                self._give_up_workers()
        return self._pool

    def _next_name(self) -> str | None:
        if self._staging is None:
            return None
        self._named += 1
        return f"page-{self._token}-{self._named}"

    def _give_up_workers(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._workers = 1
