"""The live preview: the export's entry page loaded once, its sections patched in place as the writer types."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import Property, QUrl, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QDesktopServices
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QWidget

from fieldnotes_desktop.config import theme_override_dir
from fieldnotes_desktop.errors import FieldnotesError
from fieldnotes_desktop.export import PreviewPage, demote_headings
from fieldnotes_desktop.records import Entry
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.preview.guard import GuardedPage, make_profile
from fieldnotes_desktop.ui.preview.page_script import WORLD, call, page_script
from fieldnotes_desktop.ui.preview.scheme import SCHEME, SHELL_URL, PreviewSchemeHandler
from fieldnotes_desktop.ui.preview.sources import EntryRegions, ImageUrls, guarded_shell
from fieldnotes_desktop.ui.preview.worker import Frame, RenderJob, RenderWorker

log = logging.getLogger(__name__)

LIGHT_PAPER, DARK_PAPER = "#fbf8f2", "#16150f"


@dataclass
class PreviewStats:
    """What reached the page, so tests and the benchmark can see that only changes travel."""

    frames: int = 0
    full_replacements: int = 0
    patches: int = 0
    sections_sent: int = 0
    last_sent_keys: tuple[str, ...] = ()
    failures: list[str] = field(default_factory=list)


class PreviewView(QWebEngineView):
    """Shows an entry as the published page; every update is a patch of the page already loaded."""

    rendered = Signal()
    entry_link_clicked = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        self.setAccessibleName("Preview")
        self.stats = PreviewStats()
        self._services = services
        self._generation = 0
        self._oldest_wanted = 0  # frames of older generations belong to a page since cleared
        self._entry: Entry | None = None
        self._body = ""
        self._dark = False
        self._ready = False
        self._page_unknown = True  # the next render must send the whole body
        self._closed = False
        self._header = self._footer = self._body_html = ""

        # The same theme folder the export would use, so the preview is the published page;
        # a theme that cannot show a page must not keep the window from opening.
        self.theme_error: str | None = None
        try:
            self._parts = PreviewPage(theme_override_dir(services.db_path))
            shell = guarded_shell(self._parts.shell_html())
        except FieldnotesError as exc:
            log.warning("the theme cannot show the preview: %s", exc.message)
            self.theme_error = exc.message
            self._parts = PreviewPage(None)
            shell = guarded_shell(self._parts.shell_html())
        self._profile, self.request_guard = make_profile(None)
        self.scheme_handler = PreviewSchemeHandler(lambda: shell, services.assets, self._profile)
        self._profile.installUrlSchemeHandler(SCHEME.encode(), self.scheme_handler)
        page = GuardedPage(self._profile, self)
        # The page must go before its profile: owned by the page, the profile is deleted after it.
        self._profile.setParent(page)
        page.scripts().insert(page_script())
        page.external_link_clicked.connect(self._on_page_external_link_clicked)
        page.entry_link_clicked.connect(self.entry_link_clicked)
        page.loadFinished.connect(self._on_page_load_finished)
        page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        page.setBackgroundColor(QColor(LIGHT_PAPER))
        self.setPage(page)

        self._worker = RenderWorker(EntryRegions(services, self._parts), ImageUrls(services), demote_headings)
        self._worker.frame_ready.connect(self._on_worker_frame_ready)
        self._worker.render_failed.connect(self._on_worker_render_failed)
        worker = self._worker  # not self: the view is gone when this runs
        self.destroyed.connect(lambda *_: worker.stop(1.0))
        page.load(SHELL_URL)

    # -- the interface the main window uses ------------------------------------------------

    def show_entry(self, entry: Entry) -> None:
        """Shows `entry`, or refreshes its header and footer after its metadata changed."""
        switched = self._entry is None or self._entry.id != entry.id
        self._entry = entry
        self._submit(entry.body, entry=entry, fresh=switched)

    def set_body(self, body: str) -> None:
        """Shows a new body for the current entry; a burst of calls renders only the last."""
        self._submit(body)

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        # The theme's paper colours, so a (re)load never flashes the other colour.
        self.page().setBackgroundColor(QColor(DARK_PAPER if dark else LIGHT_PAPER))
        if self._ready:
            self.page().runJavaScript(call("dark", dark), WORLD)

    def clear(self) -> None:
        self._generation += 1
        self._oldest_wanted = self._generation
        self._entry = None
        self._body = ""
        self._header = self._footer = self._body_html = ""
        self._page_unknown = True
        if self._ready:
            script = call("regions", "", "") + ";" + call("replace", "", True)
            self.page().runJavaScript(script, WORLD, self._on_cleared)

    def scroll_to_line(self, line: int) -> None:
        """Brings the block made from source line `line` (0-based) to the top of the view."""
        if self._ready:
            self.page().runJavaScript(call("reveal", line), WORLD)

    def shutdown(self) -> None:
        """Stops the render thread; the view shows what it has and takes no more updates."""
        if self._closed:
            return
        self._closed = True
        self._worker.stop()

    def rendered_html(self) -> str:
        return self._header + self._body_html + self._footer

    renderedHtml = Property(str, rendered_html, notify=rendered)  # noqa: N815 - DESIGN §6 name

    # -- internals -------------------------------------------------------------------------

    def _submit(self, body: str, *, entry: Entry | None = None, fresh: bool = False) -> None:
        if self._closed:
            return
        self._generation += 1
        if fresh:
            self._oldest_wanted = self._generation
        reset = fresh or self._page_unknown
        self._page_unknown = False
        self._body = body
        self._worker.submit(RenderJob(self._generation, body, entry, reset, fresh))

    def _on_worker_frame_ready(self, frame: Frame) -> None:
        if self._closed or frame.generation < self._oldest_wanted:
            return
        if frame.regions is not None:
            self._header, self._footer = frame.regions
        self._body_html = frame.body_html
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
                self._submit(self._body)
                return
        self.rendered.emit()

    def _on_cleared(self, _result: object) -> None:
        if not self._closed:
            self.rendered.emit()

    def _on_worker_render_failed(self, error: object) -> None:
        self.stats.failures.append(repr(error))
        self._page_unknown = True

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
        if self._entry is not None or self._body:
            self._page_unknown = True
            self._submit(self._body)

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
        menu = QMenu(self)
        menu.addAction(self.page().action(QWebEnginePage.WebAction.Copy))
        menu.addAction(self.page().action(QWebEnginePage.WebAction.SelectAll))
        menu.exec(event.globalPos())
