"""The preview's render thread: Markdown in, a patch for the page out; the latest edit always wins."""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from fieldnotes_desktop.records import Entry
from fieldnotes_desktop.render import RenderedDocument, SectionRenderer
from fieldnotes_desktop.ui.outbox import Outbox
from fieldnotes_desktop.ui.preview.patch import BodyPatch, ShownSection, full_patch, plan_patch

log = logging.getLogger(__name__)

# A result overtaken by a newer edit is thrown away, unless nothing has reached the screen for
# this long: at book length with footnotes a render can outlast the pause between keystrokes.
STALE_GRACE_SECONDS = 0.5


class Regions(Protocol):
    """Renders the page's header and footer for an entry (the export's preview page)."""

    def regions(self, entry: Entry) -> tuple[str, str]: ...


@dataclass(frozen=True, slots=True)
class RenderJob:
    generation: int
    body: str
    entry: Entry | None  # set when the header and footer must be rebuilt
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
    """Owns a `SectionRenderer` on its own thread; GUI code only submits and receives frames."""

    frame_ready = Signal(object)  # Frame, delivered on the GUI thread
    render_failed = Signal(object)  # the exception

    def __init__(
        self,
        regions: Regions,
        image_url: Callable[[str], str | None],
        demote: Callable[[str], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._regions = regions
        self._renderer = SectionRenderer(image_url=image_url)
        self._demote = demote
        self._demoted: dict[str, tuple[str, str]] = {}
        self._shown: tuple[ShownSection, ...] | None = None  # what the last emitted frame leaves
        self._carried_regions: tuple[str, str] | None = None
        self._last_emit = time.monotonic()
        self._cond = threading.Condition()
        self._job: RenderJob | None = None
        self._stopping = False
        self._outbox = Outbox(self, on_close=self._ask_to_stop)
        self._thread = threading.Thread(target=self._loop, name="fieldnotes-preview", daemon=True)
        self._thread.start()

    def submit(self, job: RenderJob) -> None:
        """Queues `job`, folding it into one still waiting (its entry and reset are kept)."""
        with self._cond:
            if self._job is not None:
                job = _merge(self._job, job)
            self._job = job
            self._cond.notify()

    def stop(self, timeout: float = 5.0) -> None:
        self._ask_to_stop()
        self._thread.join(timeout)

    def _ask_to_stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._job = None
            self._cond.notify()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._job is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                job, self._job = self._job, None
            assert job is not None
            try:
                self._run(job)
            except Exception as exc:  # a broken render must not kill the thread
                log.exception("preview render failed")
                self._shown = None  # the next frame starts over with the whole body
                self._outbox.send(self.render_failed, exc)

    def _run(self, job: RenderJob) -> None:
        started = time.perf_counter()
        regions = None
        if job.entry is not None:
            self._carried_regions = None
            regions = self._regions.regions(job.entry)
        document = self._renderer.render(job.body)
        sections = self._shown_sections(document)
        patch = full_patch(sections) if job.reset else plan_patch(self._shown, sections)
        with self._cond:
            newer = None if self._stopping else self._job
            if newer is not None and time.monotonic() - self._last_emit < STALE_GRACE_SECONDS:
                # Dropped: what the page holds is unchanged, so the next plan still holds.
                self._job = _merge(job, newer)
                if regions is not None and self._job.entry is job.entry:
                    self._carried_regions = regions
                    self._job = replace(self._job, entry=None)
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
        entry=newer.entry if newer.entry is not None else older.entry,
        reset=older.reset or newer.reset,
        fresh=older.fresh or newer.fresh,
    )


def fallback_regions(entry: Entry) -> tuple[str, str]:
    """A header with only the title, for when the page context cannot be read."""
    return f'<h1 class="entry-title">{html.escape(entry.title or "Untitled")}</h1>', ""
