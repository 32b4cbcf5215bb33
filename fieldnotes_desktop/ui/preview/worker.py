"""The preview's renderer on the compute lane: text or line edits in, a patch for the page out; the latest wins."""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QObject, Signal

from fieldnotes_desktop.records import Entry
from fieldnotes_desktop.render.sections import normalize_newlines, scan_source
from fieldnotes_desktop.render.typography import DEFAULT_TYPOGRAPHY, Typography
from fieldnotes_desktop.ui.outbox import Outbox
from fieldnotes_desktop.ui.preview.live_document import Known, LineEdit, LiveDocument, LiveSection
from fieldnotes_desktop.ui.preview.patch import BodyPatch
from fieldnotes_desktop.ui.tasks import ComputeLane

log = logging.getLogger(__name__)

# A result overtaken by a newer edit is thrown away, unless nothing has reached the screen for
# this long: at book length with footnotes a render can outlast the pause between keystrokes.
STALE_GRACE_SECONDS = 0.5
# A long text's first sections (about two screens) are shown before the rest is rendered.
HEAD_LINES = 120
HEAD_SCAN_CHARS = 40_000
COMPUTE_KEY = "preview-render"


Regions = Callable[[], tuple[str, str]]  # renders the page's header and footer (on the compute lane)


@dataclass(frozen=True, slots=True)
class RenderJob:
    generation: int
    body: str | None  # a whole new text, or None: apply `edits` to the text the worker holds
    regions: Regions | None  # set when the header and footer must be rebuilt
    reset: bool  # the page holds nothing we know of: send the whole body
    fresh: bool = False  # another entry: start at the top of the page
    edits: tuple[LineEdit, ...] = ()  # line edits, after `body` when both are given
    known: Known = field(default_factory=dict)  # templates the database kept for `body`, by key
    typography: Typography | None = None  # the site's, when read with this job (None: as before)


@dataclass(frozen=True, slots=True)
class Frame:
    """One render ready for the page: what to patch, and the regions when they changed."""

    generation: int
    patch: BodyPatch
    sections: tuple[LiveSection, ...]  # the body now; its HTML is joined only when asked for
    regions: tuple[str, str] | None
    full_render: bool
    seconds: float
    fresh: bool
    body_chars: int = 0
    complete: bool = True  # False for a first frame that holds only the opening screens
    rendered: int = 0  # sections rendered from Markdown for this frame (not from a cache)

    @property
    def section_count(self) -> int:
        return len(self.sections)


class RenderWorker(QObject):
    """Owns the preview's `LiveDocument`; its steps run on the compute lane, one at a time, and frames come back by signal."""

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
        from fieldnotes_desktop.render.section_renderer import SectionRenderer  # markdown-it and the rest

        self._compute = compute

        def renderer(typography: Typography) -> SectionRenderer:
            return SectionRenderer(image_url=image_url, typography=typography)

        self._renderer = renderer
        # Until the site is read (with the first entry's page context), what a new site publishes.
        self._document = LiveDocument(renderer(DEFAULT_TYPOGRAPHY), demote)
        self._broken = False  # the last step failed: the text held may be wrong until a new one comes
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
            self._broken = True
            self._document.forget_shown()  # the next frame starts over with the whole body
            self._outbox.send(self.render_failed, exc)

    def _run(self, job: RenderJob) -> None:
        started = time.perf_counter()
        document = self._document
        renders_before, sections_before = document.full_renders, document.sections_rendered
        retyped = job.typography is not None and job.typography != document.typography
        if job.typography is not None and retyped:
            document.use(self._renderer(job.typography))
        if job.body is not None:
            self._broken = False
            body = normalize_newlines(job.body)
            if job.fresh and body.count("\n", 0, HEAD_SCAN_CHARS) >= HEAD_LINES and self._send_head(job, body):
                job = replace(job, regions=None)  # the head's frame took them to the page
            document.load(body, job.known)
        elif self._broken:
            raise RuntimeError("the preview lost its text; it waits for the whole text again")
        elif retyped:  # the site's typography changed: the text held, set the other way
            document.rerender()
        for edit in job.edits:
            document.edit(edit)
        regions = None
        if job.regions is not None:
            self._carried_regions = None
            regions = job.regions()
        if job.reset:
            document.forget_shown()
        with self._cond:
            newer = None if self._stopping else self._job
            if newer is not None and time.monotonic() - self._last_emit < STALE_GRACE_SECONDS:
                # Not shown: the document has taken this job's edits, so the newer job carries
                # only its own, and the next patch covers both.
                self._job = replace(newer, regions=newer.regions or job.regions,
                                    reset=newer.reset, fresh=newer.fresh or job.fresh)
                if regions is not None and self._job.regions is job.regions:
                    self._carried_regions = regions
                    self._job = replace(self._job, regions=None)
                return
            if regions is None:
                regions, self._carried_regions = self._carried_regions, None
            self._last_emit = time.monotonic()
        live = document.take_patch()
        if live.full:
            patch = BodyPatch(True, "".join(s.html for s in live.sections), tuple(s.key for s in live.sections))
        else:
            patch = BodyPatch(
                full=False,
                insert_html="".join(s.html for s in live.inserted),
                inserted_keys=tuple(s.key for s in live.inserted),
                remove_keys=live.removed_keys,
                before_key=live.before_key,
                line_shift=live.line_shift,
            )
        self._outbox.send(
            self.frame_ready,
            Frame(
                generation=job.generation,
                patch=patch,
                sections=live.sections,
                regions=regions,
                full_render=document.full_renders != renders_before,
                seconds=time.perf_counter() - started,
                fresh=job.fresh,
                body_chars=document.char_count,
                rendered=document.sections_rendered - sections_before,
            )
        )


    def _send_head(self, job: RenderJob, body: str) -> bool:
        """Shows the opening screens of a long text at once, before the rest is rendered."""
        head = scan_source(body[:HEAD_SCAN_CHARS]).sections
        kept = [s for s in head[:-1] if s.start_line < HEAD_LINES] or list(head[:1])
        if len(kept) == len(head) and len(body) > HEAD_SCAN_CHARS:
            return False  # one section longer than the head: nothing to show sooner
        document = self._document
        started = time.perf_counter()
        document.load("".join(s.text for s in kept), job.known)
        regions = job.regions() if job.regions is not None else None
        if regions is not None:
            self._carried_regions = None
        live = document.take_patch()
        self._outbox.send(self.frame_ready, Frame(
            generation=job.generation,
            patch=BodyPatch(True, "".join(s.html for s in live.sections), tuple(s.key for s in live.sections)),
            sections=live.sections, regions=regions, full_render=True,
            seconds=time.perf_counter() - started, fresh=job.fresh, body_chars=len(body), complete=False,
        ))
        return True


def _merge(older: RenderJob, newer: RenderJob) -> RenderJob:
    """One job doing the work of both: the newer text (or the older one and both jobs' edits)."""
    body: str | None = newer.body
    edits, known = newer.edits, newer.known
    if body is None:
        body, edits, known = older.body, older.edits + newer.edits, older.known
    return RenderJob(
        generation=newer.generation,
        body=body,
        regions=newer.regions if newer.regions is not None else older.regions,
        reset=older.reset or newer.reset,
        fresh=older.fresh or newer.fresh,
        edits=edits,
        known=known,
        typography=newer.typography if newer.typography is not None else older.typography,
    )


def fallback_regions(entry: Entry) -> tuple[str, str]:
    """A header with only the title, for when the page context cannot be read or rendered."""
    return f'<h1 class="entry-title">{html.escape(entry.title or "Untitled")}</h1>', ""
