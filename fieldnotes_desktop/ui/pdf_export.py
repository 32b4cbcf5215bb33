"""Prints an entry's published page to PDF through QtWebEngine, behind the preview's walls."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QBuffer, QEventLoop, QLocale, QMarginsF, QObject, QTimer, Signal
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlSchemeHandler
from PySide6.QtWidgets import QApplication

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export.disk import describe_os_error, write_file_atomically
from fieldnotes_desktop.ui.preview.guard import GuardedPage, make_profile
from fieldnotes_desktop.ui.preview.scheme import PAGE_HOST, SCHEME, SHELL_URL, prepare_webengine

PRINT_WAIT_S = 120.0
_Territory = QLocale.Country
# Where paper is Letter-sized; everywhere else A4.
_LETTER = frozenset({
    _Territory.UnitedStates, _Territory.Canada, _Territory.Mexico, _Territory.Philippines,
    _Territory.Chile, _Territory.Colombia, _Territory.Venezuela, _Territory.PuertoRico,
})  # fmt: skip


def page_layout(locale: QLocale | None = None) -> QPageLayout:
    """A4 or Letter as the writer's locale uses, portrait, with print margins of 15 mm."""
    territory = (locale or QLocale()).territory()
    size = QPageSize.PageSizeId.Letter if territory in _LETTER else QPageSize.PageSizeId.A4
    return QPageLayout(QPageSize(size), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15),
                       QPageLayout.Unit.Millimeter)


class _OnePage(QWebEngineUrlSchemeHandler):
    """Serves the page at the preview's shell address and nothing else: the page holds its CSS
    and images, so no other request has an answer (and the profile's guard blocks the rest)."""

    def __init__(self, html: bytes, parent: QObject) -> None:
        super().__init__(parent)
        self._html = html

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 - Qt override
        url = job.requestUrl()
        if url.host() != PAGE_HOST or url.path() != SHELL_URL.path():
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(self._html))
        job.reply(QByteArray(b"text/html"), buffer)


class PdfPrinter(QObject):
    """Loads one page into a page of its own, off screen, prints it and lets it go.

    Loading from our own scheme, not `setHtml`, so a page of any size prints (setHtml stops at
    2 MB, which a page with a few photos as data URIs passes). The PDF is written in one step.
    """

    printed = Signal(str)  # the PDF's path
    failed = Signal(str)  # a sentence saying why

    def __init__(self, html: bytes, out: Path, layout: QPageLayout | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._out = out
        self._layout = layout or page_layout()
        profile, _guard = make_profile(None)
        profile.installUrlSchemeHandler(SCHEME.encode(), _OnePage(html, profile))
        self._page: GuardedPage | None = GuardedPage(profile, self)
        profile.setParent(self._page)  # deleted after the page, never before it
        self._page.loadFinished.connect(self._on_page_load_finished)

    def start(self) -> None:
        assert self._page is not None
        self._page.load(SHELL_URL)

    def _on_page_load_finished(self, ok: bool) -> None:
        if self._page is None:
            return
        if not ok:
            self._end(failure=f"The page of this entry could not be laid out for {self._out.name}.")
            return
        self._page.printToPdf(self._on_pdf_made, self._layout)

    def _on_pdf_made(self, data: QByteArray) -> None:
        pdf = bytes(data.data())
        if not pdf:
            self._end(failure=f"QtWebEngine made no PDF for {self._out.name}; no file was written.")
            return
        try:
            write_file_atomically(self._out, pdf)
        except OSError as exc:
            self._end(failure=describe_os_error(exc, self._out))
            return
        self._end()

    def _end(self, failure: str | None = None) -> None:
        page, self._page = self._page, None
        if page is not None and shiboken6.isValid(page):
            page.deleteLater()  # not inside its own signal; its child, the profile, goes after it
        if failure is None:
            self.printed.emit(str(self._out))
        else:
            self.failed.emit(failure)


def print_pdf(html: bytes, out: Path, layout: QPageLayout | None = None, timeout_s: float = PRINT_WAIT_S) -> None:
    """Prints `html` to `out` and waits for it (the command line's way); raises ExportFailed."""
    printer = PdfPrinter(html, out, layout)
    loop = QEventLoop()
    outcome: list[str | None] = []

    def ended(failure: str | None) -> None:
        outcome.append(failure)
        loop.quit()

    printer.printed.connect(lambda _path: ended(None))
    printer.failed.connect(ended)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    printer.start()
    if not outcome:
        loop.exec()
    shiboken6.delete(printer)  # and its page now, then the page's profile: never left to the exit
    if not outcome:
        raise ExportFailed(f"Printing {out.name} took longer than {timeout_s:.0f} s; no file was written.")
    if outcome[0] is not None:
        raise ExportFailed(outcome[0])


def headless_application() -> QApplication:
    """The QApplication a command needs to print: offscreen when there is no display to use."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    prepare_webengine()
    return QApplication(["fieldnotes"])
