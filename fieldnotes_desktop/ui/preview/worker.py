"""The preview's renderer on the compute lane: Markdown in, a patch for the page out; the latest edit wins."""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal

from fieldnotes_desktop.records import Entry
from fieldnotes_desktop.render import RenderedDocument, SectionRenderer
from fieldnotes_desktop.ui.outbox import Outbox
from fieldnotes_desktop.ui.tasks import ComputeLane
from fieldnotes_desktop.ui.preview.patch import BodyPatch, ShownSection, full_patch, plan_patch

log = logging.getLogger(__name__)

# A result overtaken by a newer edit is thrown away, unless nothing has reached the screen for
# this long: at book length with footnotes a render can outlast the pause between keystrokes.
STALE_GRACE_SECONDS = 0.5
COMPUTE_KEY = "preview-render"


Regions = Callable[[], tuple[str, str]]  # renders the page's header and footer (on the compute lane)


@dataclass(frozen=True, slots=True)
class RenderJob:
    generation: int
    body: str
    regions: Regions | None  # set when the header and footer must be rebuilt
    reset: bool  # the page holds nothing we know of: send the whole body
    fresh: bool = False  # another entry: start at the top of the page


@dataclass(frozen=True, slots=True)
class Frame:
    """One render ready for the page: what to patch, and the regions when they changed."""

    generation: int
    patch: BodyPatch
    body_html: str
    section_count: int
    regions: tuple[str, str] | None
    full_render: bool
    seconds: float
    fresh: bool


class RenderWorker(QObject):
    """Owns a `SectionRenderer`; its steps run on the compute lane, one at a time, and frames come back by signal."""

    frame_ready = Signal(object)  # Frame, delivered on the GUI thread
    render_failed = Signal(object)  # the exception

    def __init__(
        self,
        compute: ComputeLane,
        image_url: Callable[[str], str | None],
        demote: Callable[[str], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._compute = compute
        self._renderer = SectionRenderer(image_url=image_url)
        self._demote = demote
        self._demoted: dict[str, tuple[str, str]] = {}
        self._shown: tuple[ShownSection, ...] | None = None  # what the last emitted frame leaves
        self._carried_regions: tuple[str, str] | None = None
        self._last_emit = time.monotonic()
        self._cond = threading.Condition()
        self._job: RenderJob | None = None
        self._stopping = False
        self._outbox = Outbox(self, on_close=self.stop)

    def submit(self, job: RenderJob) -> None:
        """Queues `job`, folding it into one still waiting (its regions and reset are kept)."""
        with self._cond:
            if self._stopping:
                return
            if self._job is not None:
                job = _merge(self._job, job)
            self._job = job
        # The lane runs one step of this key at a time; a step already waiting takes the merged job.
        self._compute.submit(COMPUTE_KEY, self._step)

    def stop(self, *_args: object) -> None:
        with self._cond:
            self._stopping = True
            self._job = None

    def _step(self) -> None:
        with self._cond:
            if self._stopping or self._job is None:
                return
            job, self._job = self._job, None
        try:
            self._run(job)
        except Exception as exc:  # a broken render must not stop the next one
            log.exception("preview render failed")
            self._shown = None  # the next frame starts over with the whole body
            self._outbox.send(self.render_failed, exc)

    def _run(self, job: RenderJob) -> None:
        started = time.perf_counter()
        regions = None
        if job.regions is not None:
            self._carried_regions = None
            regions = job.regions()
        document = self._renderer.render(job.body)
        sections = self._shown_sections(document)
        patch = full_patch(sections) if job.reset else plan_patch(self._shown, sections)
        with self._cond:
            newer = None if self._stopping else self._job
            if newer is not None and time.monotonic() - self._last_emit < STALE_GRACE_SECONDS:
                # Dropped: what the page holds is unchanged, so the next plan still holds (the
                # newer job's step is already waiting on the lane).
                self._job = _merge(job, newer)
                if regions is not None and self._job.regions is job.regions:
                    self._carried_regions = regions
                    self._job = replace(self._job, regions=None)
                return
            if regions is None:
                regions, self._carried_regions = self._carried_regions, None
            self._last_emit = time.monotonic()
        self._shown = sections
        self._outbox.send(
            self.frame_ready,
            Frame(
                generation=job.generation,
                patch=patch,
                body_html="".join(s.html for s in sections),
                section_count=len(sections),
                regions=regions,
                full_render=document.full_render,
                seconds=time.perf_counter() - started,
                fresh=job.fresh,
            )
        )

    def _shown_sections(self, document: RenderedDocument) -> tuple[ShownSection, ...]:
        """The sections with headings demoted under the title, reusing earlier work by key."""
        previous: dict[str, tuple[str, str]] = self._demoted
        current: dict[str, tuple[str, str]] = {}
        out: list[ShownSection] = []
        for section in document.sections:
            cached = previous.get(section.key)
            if cached is not None and cached[0] == section.html:
                demoted = cached[1]
            else:
                demoted = self._demote(section.html)
            current[section.key] = (section.html, demoted)
            out.append(ShownSection(section.key, section.start_line, section.end_line, demoted))
        self._demoted = current
        return tuple(out)


def _merge(older: RenderJob, newer: RenderJob) -> RenderJob:
    """One job doing the work of both: the newer body, and any rebuild the older one asked for."""
    return RenderJob(
        generation=newer.generation,
        body=newer.body,
        regions=newer.regions if newer.regions is not None else older.regions,
        reset=older.reset or newer.reset,
        fresh=older.fresh or newer.fresh,
    )


def fallback_regions(entry: Entry) -> tuple[str, str]:
    """A header with only the title, for when the page context cannot be read or rendered."""
    return f'<h1 class="entry-title">{html.escape(entry.title or "Untitled")}</h1>', ""
