"""Renders the bodies of one export batch by batch: kept sections first, the rest in worker processes or here.

For each batch the kept sections are asked of the store in one call; bodies with sections
still missing go to worker processes when there are enough of them to be worth the workers'
start (and hold no image, whose address only this process can resolve), or are rendered
here. While the caller builds the pages of one batch, the workers already render the next.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from fieldnotes_desktop.export.images import ImageResolver
from fieldnotes_desktop.records import EntrySummary
from fieldnotes_desktop.render import RenderedDocument, RenderStats, SectionRenderer
from fieldnotes_desktop.render.parallel import render_missing, start_pool, worker_count
from fieldnotes_desktop.render.section_cache import TemplateStore, keys_for, load_templates, may_hold_images
from fieldnotes_desktop.render.sections import SourceScan, scan_source
from fieldnotes_desktop.render.template import SectionTemplate

BATCH = 100  # entries whose bodies are held at once (two batches, with the one being prepared)
# Below this many bodies to render in a batch, starting worker processes (a fresh interpreter
# each, about half a second of imports) costs more than it saves.
MIN_FOR_WORKERS = 50

Bodies = Callable[[Sequence[int]], Mapping[int, str]]  # entry ids → their bodies
StartPool = Callable[[int], ProcessPoolExecutor]


class _Collected:
    """A `TemplateStore` that holds nothing and gathers what is put, to store it once per batch."""

    def __init__(self) -> None:
        self.payloads: dict[str, str] = {}

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        return {}

    def put_many(self, payloads: Mapping[str, str]) -> None:
        self.payloads.update(payloads)


@dataclass
class _Batch:
    entries: Sequence[EntrySummary]
    bodies: Mapping[int, str]
    scans: list[SourceScan]
    held: dict[str, list[SectionTemplate]]
    futures: list[tuple[list[int], Future[list[dict[str, str]]]]] = field(default_factory=list)


class BodyRenderer:
    """The bodies of one export; `close()` when done (it stops the workers, if any started)."""

    def __init__(
        self,
        images: ImageResolver,
        shared: TemplateStore | None,
        *,
        workers: int | None = None,
        start: StartPool | None = None,
    ) -> None:
        self._images = images
        self._shared = shared
        self._collected = _Collected()
        self._renderer = SectionRenderer(image_url=images, cache_size=0, shared=self._collected)
        self._workers = worker_count() if workers is None else workers
        self._start = start if start is not None else start_pool
        self._pool: ProcessPoolExecutor | None = None
        self.rendered_in_workers = 0

    @property
    def stats(self) -> RenderStats:
        """What this process rendered and reused (the workers' renders are not in it)."""
        return self._renderer.stats

    def documents(
        self, entries: Sequence[EntrySummary], bodies: Bodies
    ) -> Iterator[tuple[EntrySummary, RenderedDocument]]:
        """Each entry with its rendered body, in the order given, `BATCH` bodies read at a time."""
        pending: _Batch | None = None
        for start in range(0, len(entries), BATCH):
            chunk = entries[start : start + BATCH]
            prepared = self._prepare(chunk, bodies([e.id for e in chunk]))
            if pending is not None:
                yield from self._finish(pending)
            pending = prepared
        if pending is not None:
            yield from self._finish(pending)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- one batch -------------------------------------------------------------------------

    def _prepare(self, entries: Sequence[EntrySummary], bodies: Mapping[int, str]) -> _Batch:
        scans = [scan_source(bodies.get(e.id, "")) for e in entries]
        keys = [keys_for(scan) for scan in scans]
        held = self._ask(k for some in keys for k in some)
        batch = _Batch(entries, bodies, scans, held)
        to_workers = [
            i for i, (entry, some) in enumerate(zip(entries, keys))
            if any(k not in held for k in some) and not may_hold_images(bodies.get(entry.id, ""))
        ]
        pool = self._pool_for(len(to_workers))
        if pool is not None and to_workers:
            size = math.ceil(len(to_workers) / (2 * self._workers))  # small pieces keep every worker busy
            for at in range(0, len(to_workers), size):
                part = to_workers[at : at + size]
                jobs = [(bodies.get(entries[i].id, ""), frozenset(held.keys() & set(keys[i]))) for i in part]
                try:
                    batch.futures.append((part, pool.submit(render_missing, jobs)))
                except (BrokenProcessPool, RuntimeError):  # broken, or shut down meanwhile
                    self._give_up_workers()
                    break
        return batch

    def _finish(self, batch: _Batch) -> Iterator[tuple[EntrySummary, RenderedDocument]]:
        fresh: dict[str, str] = {}
        for _part, future in batch.futures:
            try:
                results = future.result()
            except (BrokenProcessPool, OSError):
                # Workers that could not start or died: this process renders what they left.
                self._give_up_workers()
                continue
            for payloads in results:
                fresh.update(payloads)
                self.rendered_in_workers += 1
        for key, payload in fresh.items():
            loaded = load_templates(payload)
            if loaded is not None:
                batch.held[key] = loaded
        for entry, scan in zip(batch.entries, batch.scans):
            self._images.page = entry.slug
            yield entry, self._renderer.render_scan(scan, batch.held)
        fresh.update(self._collected.payloads)
        self._collected.payloads.clear()
        if fresh and self._shared is not None:
            self._shared.put_many(fresh)

    def _ask(self, keys: Iterable[str]) -> dict[str, list[SectionTemplate]]:
        if self._shared is None:
            return {}
        found = {}
        for key, payload in self._shared.get_many(list(dict.fromkeys(keys))).items():
            loaded = load_templates(payload)
            if loaded is not None:
                found[key] = loaded
        return found

    def _pool_for(self, bodies: int) -> ProcessPoolExecutor | None:
        if self._pool is None and self._workers > 1 and bodies >= MIN_FOR_WORKERS:
            try:
                self._pool = self._start(self._workers)
            except OSError:  # no processes to be had (a sandbox, a limit): one core it is
                self._workers = 1
        return self._pool

    def _give_up_workers(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._workers = 1
