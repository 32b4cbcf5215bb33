"""The live preview: the export's entry page loaded once, its sections patched in place as the writer types."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import shiboken6

from PySide6.QtCore import Property, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QDesktopServices
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QWidget

from fieldnotes_desktop.errors import FieldnotesError
from fieldnotes_desktop.records import Entry
from fieldnotes_desktop.render.typography import Typography, site_typography
from fieldnotes_desktop.ui.preview.guard import GuardedPage, make_profile
from fieldnotes_desktop.ui.preview.page_script import WORLD, call, page_script
from fieldnotes_desktop.ui.preview.scheme import SCHEME, SHELL_URL, PreviewSchemeHandler
from fieldnotes_desktop.ui.preview.images import AssetIndex
from fieldnotes_desktop.ui.preview.live_document import Known, LineEdit, LiveSection, kept_templates
from fieldnotes_desktop.ui.preview.worker import Frame, Regions, RenderJob, RenderWorker, fallback_regions
from fieldnotes_desktop.ui.tasks import Op, Tasks

if TYPE_CHECKING:
    # The theme, the renderer and its worker are imported when the preview starts (`start`).
    from fieldnotes_desktop.export import EntryPageContext, PreviewPage
    from fieldnotes_desktop.render.section_cache import TemplateStore

log = logging.getLogger(__name__)

LIGHT_PAPER, DARK_PAPER = "#fbf8f2", "#16150f"
# While keys come faster than this, their edits go to the renderer together. Each render holds
# the interpreter lock the window needs to take the next key; 20 frames a second reads as live.
EDIT_PACE_MS = 50
PageContext = Callable[[Entry], "EntryPageContext"]  # read on the database lane
PageParts = Callable[[], tuple["PreviewPage", str | None]]  # the theme's parts, and why not the writer's


@dataclass
class PreviewStats:
    """What reached the page, so tests and the benchmark can see that only changes travel."""

    frames: int = 0
    full_replacements: int = 0
    patches: int = 0
    sections_sent: int = 0
    last_sent_keys: tuple[str, ...] = ()
    shown_chars: int = 0  # length of the body the page shows now
    complete: bool = False  # the page shows the whole body, not only its first screens
    whole_renders: int = 0  # frames for which the whole text was scanned and rendered again
    sections_rendered: int = 0  # sections made from Markdown (not found in a cache)
    failures: list[str] = field(default_factory=list)


class PreviewView(QWebEngineView):
    """Shows an entry as the published page; every update is a patch of the page already loaded.

    Given the theme's parts, it starts at once. Given a way to load them (`PageParts`), it waits
    for `start()`: the window calls it once it is usable, so the theme, the renderer and the
    browser's page do not delay the first screen (~0.3 s at start-up). Until then it keeps the
    entry and shows nothing; it starts with the whole text then (from the text source, if set).
    The sections kept by exports (`kept_sections`) may be given as a way to reach them, asked for
    on the database lane when an entry opens.
    """

    rendered = Signal()
    entry_link_clicked = Signal(str)

    def __init__(self, tasks: Tasks, parts: PreviewPage | PageParts, page_context: PageContext,
                 images: AssetIndex, theme_error: str | None = None, parent: QWidget | None = None,
                 kept_sections: TemplateStore | Callable[[], TemplateStore] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        self.setAccessibleName("Preview")
        self.stats = PreviewStats()
        self._tasks = tasks
        self._load_parts: PageParts | None = parts if callable(parts) else None
        self._parts: PreviewPage | None = None if callable(parts) else parts
        self._page_context = page_context
        self.images = images
        # Why the preview shows the built-in theme rather than the writer's (None when it does not).
        self.theme_error = theme_error
        self._generation = 0
        self._oldest_wanted = 0  # frames of older generations belong to a page since cleared
        self._context_generation = 0  # answers for an entry shown since are dropped
        self._held = False  # another entry is coming: its body waits for its page context
        self._fresh_pending = False
        self._entry: Entry | None = None
        self._body = ""  # the last whole text given; edits since then are in `_edits`
        self._edits: list[LineEdit] = []
        self._paced: list[LineEdit] = []  # edits waiting for the pace timer
        self._pace = QTimer(self, singleShot=True, interval=EDIT_PACE_MS)
        self._pace.timeout.connect(self._send_paced)
        self._body_pending = False  # `show_entry` gave a body that the worker has not had yet
        self._resent = False  # the whole body went again after a failed render, not shown yet
        self._text_source: Callable[[], str] | None = None
        self._sections: tuple[LiveSection, ...] = ()
        self._body_html: str | None = ""
        self._dark = False
        self._ready = False
        self._page_unknown = True  # the next render must send the whole body
        self._closed = False
        self._header = self._footer = ""
        self._kept_sections: Callable[[], TemplateStore] | None = (
            kept_sections if kept_sections is None or callable(kept_sections) else lambda: kept_sections)
        self._worker: RenderWorker | None = None
        self._page: GuardedPage | None = None
        if self._parts is not None:
            self.start()

    @property
    def is_started(self) -> bool:
        return self._worker is not None

    def start(self) -> None:
        """Loads the theme's parts if need be, builds the page and its renderer, and shows the entry given so far."""
        if self._worker is not None or self._closed:
            return
        from fieldnotes_desktop.export import demote_headings
        from fieldnotes_desktop.ui.preview.sources import guarded_shell

        if self._parts is None:
            assert self._load_parts is not None
            self._parts, self.theme_error = self._load_parts()
        parts, tasks, images = self._parts, self._tasks, self.images
        shell = guarded_shell(parts.shell_html())
        self._profile, self.request_guard = make_profile(None)
        self.scheme_handler = PreviewSchemeHandler(lambda: shell, images, tasks, self._profile)
        self._profile.installUrlSchemeHandler(SCHEME.encode(), self.scheme_handler)
        page = GuardedPage(self._profile, self)
        # The page must go before its profile: owned by the page, the profile is deleted after it.
        self._profile.setParent(page)
        page.scripts().insert(page_script())
        page.external_link_clicked.connect(self._on_page_external_link_clicked)
        page.entry_link_clicked.connect(self.entry_link_clicked)
        page.loadFinished.connect(self._on_page_load_finished)
        page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        page.setBackgroundColor(QColor(DARK_PAPER if self._dark else LIGHT_PAPER))
        self.setPage(page)
        self._page = page

        worker = self._worker = RenderWorker(tasks.compute, images.url_for, demote_headings, self)
        worker.frame_ready.connect(self._on_worker_frame_ready)
        worker.render_failed.connect(self._on_worker_render_failed)
        page.load(SHELL_URL)
        waiting, self._entry = self._entry, None
        if waiting is not None:
            body = self._text_source() if self._text_source is not None else self._body
            self.show_entry(dataclasses.replace(waiting, body=body))

    # -- the interface the main window uses ------------------------------------------------

    def show_entry(self, entry: Entry) -> None:
        """Shows `entry`, or refreshes its header and footer after its metadata changed.

        The page context (masthead number, more field notes) is read on the database lane, then
        everything is rendered on the compute lane. While another entry's context is on its way
        its body waits too, so the page never shows one entry's text under another's title.
        """
        if self._closed:
            return
        if self._worker is None:  # shown once the preview starts, with the text it has then
            self._entry, self._body = entry, entry.body
            return
        switched = self._entry is None or self._entry.id != entry.id
        self._entry = entry
        if switched or self._text_source is None:
            # Fed by the editor's edits, the same entry keeps its text: edits may have reached the
            # worker since `entry` was read.
            self._body, self._edits, self._paced = entry.body, [], []
            self._body_pending = True
        self._context_generation += 1
        asked = self._context_generation
        if switched:
            self._held = True
            self._fresh_pending = True
        page_context, kept = self._page_context, self._kept_sections if switched else None

        def read() -> tuple[EntryPageContext, Known]:
            # With the context, the sections an export kept for this text: a book opens from them.
            context = page_context(entry)
            if kept is None:
                return context, {}
            return context, kept_templates(kept(), entry.body, site_typography(context.site))

        self._tasks.run(Op(read, key="preview-context"),
                        lambda found: self._on_context_read(asked, entry, *found),
                        lambda error: self._on_context_failed(asked, entry, error))

    def start_afresh(self) -> None:
        """The next `show_entry` shows its entry from the top, as a switch to it would, even when
        it is the entry shown now: a revision put back is another text, not an edit of this one."""
        self._entry = None

    def set_body(self, body: str) -> None:
        """Shows a new body for the current entry; a burst of calls renders only the last."""
        self._body = body
        self._edits = []
        if not self._held and self._worker is not None:
            self._submit(body)

    def apply_edits(self, edits: list[LineEdit]) -> None:
        """Shows the current entry's body changed by `edits`, line by line (see `TextMirror`)."""
        if self._worker is None:
            return  # `start` reads the whole text
        if self._held:
            self._edits.extend(edits)  # sent after the body they apply to
        elif edits:
            self._paced.extend(edits)
            if not self._pace.isActive():  # the first key of a burst is shown at once
                self._send_paced()

    def _send_paced(self) -> None:
        if self._paced and not self._held:
            self._submit(None)  # takes the paced edits
            self._pace.start()

    def set_text_source(self, source: Callable[[], str]) -> None:
        """Where to read the whole body when the page must be sent it again (after edits)."""
        self._text_source = source

    def _whole_body(self) -> str:
        return self._text_source() if self._text_source is not None and self._entry is not None else self._body

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        if self._closed or self._page is None:
            return  # no page yet, or none since shutdown(); asking for one would make a new one
        # The theme's paper colours, so a (re)load never flashes the other colour.
        self.page().setBackgroundColor(QColor(DARK_PAPER if dark else LIGHT_PAPER))
        if self._ready:
            self.page().runJavaScript(call("dark", dark), WORLD)

    def clear(self) -> None:
        self._generation += 1
        self._context_generation += 1  # a context still on its way belongs to the entry that left
        self._held = self._fresh_pending = False
        self._oldest_wanted = self._generation
        self._entry = None
        self._body = ""
        self._edits, self._paced = [], []
        self._header = self._footer = ""
        self._sections, self._body_html = (), ""
        self._page_unknown = True
        if self._ready:
            script = call("regions", "", "") + ";" + call("replace", "", True)
            self.page().runJavaScript(script, WORLD, self._on_cleared)

    def scroll_to_line(self, line: int) -> None:
        """Brings the block made from source line `line` (0-based) to the top of the view."""
        if self._ready:
            self.page().runJavaScript(call("reveal", line), WORLD)

    def shutdown(self) -> None:
        """Stops rendering and deletes the page now, before its profile: the view shows nothing more.

        Left to the interpreter's exit (a host application that never deletes the window), the
        profile could go first, and QtWebEngine aborts the process.
        """
        if self._closed:
            return
        self._closed = True
        self._ready = False
        if self._worker is not None:
            self._worker.stop()
        page, self._page = self._page, None
        if page is not None and shiboken6.isValid(page):
            page.loadFinished.disconnect(self._on_page_load_finished)
            page.renderProcessTerminated.disconnect(self._on_page_render_process_terminated)
            shiboken6.delete(page)  # its child, the profile, goes with it, after it

    def rendered_html(self) -> str:
        if self._body_html is None:  # joined only when asked: at book length, megabytes
            self._body_html = "".join(section.html for section in self._sections)
        return self._header + self._body_html + self._footer

    renderedHtml = Property(str, rendered_html, notify=rendered)  # noqa: N815 - DESIGN §6 name

    # -- internals -------------------------------------------------------------------------

    def _submit(self, body: str | None, *, edits: tuple[LineEdit, ...] = (), regions: Regions | None = None,
                fresh: bool = False, known: Known | None = None, typography: Typography | None = None) -> None:
        if self._closed or self._worker is None:
            return
        self._generation += 1
        if fresh:
            self._oldest_wanted = self._generation
        reset = fresh or self._page_unknown
        self._page_unknown = False
        if body is not None:
            self._body = body
        else:
            edits = (*self._paced, *edits)  # typed before whatever comes with them
        self._paced = []
        self._worker.submit(RenderJob(self._generation, body, regions, reset, fresh, edits, known or {}, typography))

    def _on_context_read(self, asked: int, entry: Entry, context: EntryPageContext, known: Known) -> None:
        parts = self._parts
        assert parts is not None  # the preview has started: it asked for this context

        def regions() -> tuple[str, str]:  # on the compute lane
            try:
                return parts.header_html(context), parts.footer_html(context)
            except FieldnotesError as exc:  # the theme's header or footer failed: the body still shows
                log.warning("preview header of entry %s: %s", entry.id, exc)
                return fallback_regions(entry)

        # The site's typography comes with its page context: a change in Site settings re-reads it.
        self._regions_arrived(asked, regions, known, site_typography(context.site))

    def _on_context_failed(self, asked: int, entry: Entry, error: BaseException) -> None:
        log.warning("preview could not read the page of entry %s: %s", entry.id, error)
        self._regions_arrived(asked, lambda: fallback_regions(entry))

    def _regions_arrived(self, asked: int, regions: Regions, known: Known | None = None,
                         typography: Typography | None = None) -> None:
        if self._closed or asked != self._context_generation:
            return  # another entry (or another change) was asked for since
        fresh, self._fresh_pending, self._held = self._fresh_pending, False, False
        edits, self._edits = tuple(self._edits), []
        body, self._body_pending = (self._body if self._body_pending else None), False
        self._submit(body, edits=edits, regions=regions, fresh=fresh, known=known if body is not None else None,
                     typography=typography)

    def _on_worker_frame_ready(self, frame: Frame) -> None:
        if self._closed or frame.generation < self._oldest_wanted:
            return
        if frame.regions is not None:
            self._header, self._footer = frame.regions
        self._sections, self._body_html = frame.sections, None
        if not self._ready:
            self._page_unknown = True  # sent again in full once the page has loaded
            return
        parts = []
        if frame.regions is not None:
            parts.append(call("regions", *frame.regions))
        patch = frame.patch
        if patch.full:
            parts.append(call("replace", patch.insert_html, frame.fresh))
        elif not patch.empty:
            parts.append(
                call("patch", patch.before_key, list(patch.remove_keys), patch.insert_html, patch.line_shift)
            )
        else:
            parts.append("document.getElementById('fn-entry-body').children.length")
        self.stats.frames += 1
        self.stats.whole_renders += frame.full_render
        self.stats.sections_rendered += frame.rendered
        self.stats.full_replacements += patch.full
        self.stats.patches += not patch.full and not patch.empty
        self.stats.sections_sent += len(patch.inserted_keys)
        self.stats.last_sent_keys = patch.inserted_keys
        self.page().runJavaScript(";".join(parts), WORLD, lambda count: self._on_frame_shown(frame, count))

    def _on_frame_shown(self, frame: Frame, count: object) -> None:
        if self._closed:
            return
        if not isinstance(count, (int, float)) or int(count) != frame.section_count:
            log.warning("preview page drifted (%s sections, expected %s)", count, frame.section_count)
            self.stats.failures.append(f"drift {count} != {frame.section_count}")
            if not frame.patch.full:
                # The page no longer holds what we think: send it everything again.
                self._page_unknown = True
                self._submit(self._whole_body())
                return
        self._resent = False
        self.stats.shown_chars = frame.body_chars
        self.stats.complete = frame.complete
        self.rendered.emit()

    def _on_cleared(self, _result: object) -> None:
        if not self._closed:
            self.rendered.emit()

    def _on_worker_render_failed(self, error: object) -> None:
        self.stats.failures.append(repr(error))
        self._page_unknown = True
        if not self._held and not self._closed and self._entry is not None and not self._resent:
            # The worker may have lost the text with the failure: give it the whole body again,
            # once; a text that fails as a whole waits for the next edit.
            self._resent = True
            self._submit(self._whole_body())

    def _on_page_load_finished(self, ok: bool) -> None:
        if self._ready or self._closed:
            return  # a refused link click also ends in loadFinished(False): the shell stays
        if not ok:
            log.warning("the preview page did not load")
            return
        self._ready = True
        script = call("init") + ";" + call("dark", self._dark)
        if self._header or self._footer:
            script += ";" + call("regions", self._header, self._footer)
        self.page().runJavaScript(script, WORLD)
        if (self._entry is not None or self._body) and not self._held:
            self._page_unknown = True
            self._submit(self._whole_body())

    def _on_page_render_process_terminated(self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int) -> None:
        self._ready = False
        # A normal end is the view going away; a crash or a kill is worth a fresh page.
        if not self._closed and status != QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            log.warning("the preview's page process ended (%s, %s); reloading it", status, code)
            self.page().load(SHELL_URL)

    def _on_page_external_link_clicked(self, url: QUrl) -> None:
        QDesktopServices.openUrl(url)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        # Only what makes sense on a preview: no reload, back, view source or save page.
        if self._closed or self._page is None:
            return
        menu = QMenu(self)
        menu.addAction(self.page().action(QWebEnginePage.WebAction.Copy))
        menu.addAction(self.page().action(QWebEnginePage.WebAction.SelectAll))
        menu.exec(event.globalPos())
