"""The open entry taken elsewhere: File ▸ Export as PDF and Edit ▸ Copy as HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.tasks import JobControl, Op, Tasks

if TYPE_CHECKING:  # imported when first used: the window opens without the renderer and the store
    from fieldnotes_desktop.export.clipboard import ClipboardBody
    from fieldnotes_desktop.services.entry_page import EntryPage
    from fieldnotes_desktop.ui.pdf_export import PdfPrinter


class EntryExports(QObject):
    """Prints the entry's page to PDF (read on the long-job lane, printed by QtWebEngine) and puts
    its body on the clipboard as HTML and as plain text (rendered on the database lane, which
    reads its images)."""

    message = Signal(str)  # a passing note for the status bar
    pdf_printed = Signal(str)  # the PDF's path
    html_copied = Signal()

    def __init__(self, services: Services, tasks: Tasks, present_error: Callable[[BaseException], None],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._present_error = present_error
        self._parent = parent
        self._printing: set[PdfPrinter] = set()

    def ask_pdf_path(self, suggested: str) -> Path | None:
        """Where the writer wants the PDF (a test answers for them)."""
        chosen, _filter = QFileDialog.getSaveFileName(self._parent, "Export as PDF", suggested, "PDF (*.pdf)")
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def export_pdf(self, entry_id: int, slug: str) -> None:
        """Asks where, then prints the entry as stored: the caller has saved what is on screen."""
        out = self.ask_pdf_path(str(Path.home() / f"{slug}.pdf"))
        if out is None:
            return
        services = self._services

        def page(control: JobControl) -> EntryPage:
            from fieldnotes_desktop.services.entry_page import entry_page

            # its slug now: a rename saved a moment ago is the one the export looks for
            return entry_page(services.exports, services.entries.get(entry_id).slug)

        self.message.emit(f"Printing {out.name}…")
        self._tasks.jobs.start("pdf", page, lambda made: self._print(made, out), self._present_error)

    def _print(self, page: EntryPage, out: Path) -> None:
        from fieldnotes_desktop.ui.pdf_export import PdfPrinter

        printer = PdfPrinter(page.html, out, parent=self)
        self._printing.add(printer)

        def ended(failure: str | None) -> None:
            self._printing.discard(printer)
            printer.deleteLater()
            if failure is not None:
                self._present_error(ExportFailed(failure))
                return
            self.message.emit(f"Saved the page as {out}.")
            self.pdf_printed.emit(str(out))

        printer.printed.connect(lambda _path: ended(None))
        printer.failed.connect(ended)
        printer.start()

    def copy_html(self, markdown: str) -> None:
        services = self._services

        def render() -> ClipboardBody:
            from fieldnotes_desktop.export.clipboard import clipboard_body

            return clipboard_body(markdown, services.site.get(), services.assets.find, services.assets.data)

        self._tasks.run(Op(render), self._on_rendered, self._present_error)

    def _on_rendered(self, body: ClipboardBody) -> None:
        mime = QMimeData()
        mime.setHtml(body.html)
        mime.setText(body.text)
        QApplication.clipboard().setMimeData(mime)
        self.message.emit("The entry is on the clipboard as HTML, ready to paste into a mail or a web editor.")
        self.html_copied.emit()

