"""The export dialog: choose a folder, write the site on the long-job lane, follow it, open it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldnotes_desktop.errors import ExportCancelled, FieldnotesError
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions, ExportReport
from fieldnotes_desktop.ui.window_state import EXPORT_FOLDER_KEY as FOLDER_KEY
from fieldnotes_desktop.ui.tasks import JobControl, LongJob, Tasks
from fieldnotes_desktop.ui.dialogs.style import error_label, hint_label

log = logging.getLogger(__name__)

DRAFTS_KEY = "export/includeDrafts"


class ExportDialog(QDialog):
    """Exports the whole site; the export runs beside the database lane, so saving goes on.

    The folder and the drafts choice are remembered in the window's own settings; the folder
    last exported to comes back next time, the one beside the database the first time.
    """

    export_finished = Signal(object)  # ExportReport

    def __init__(self, services: Services, tasks: Tasks, settings: QSettings, parent: QWidget | None = None,
                 default_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setAccessibleName("Export")
        self.setWindowTitle("Export Site")
        self.setMinimumWidth(560)
        self._services = services
        self._tasks = tasks
        self._settings = settings
        self._job: LongJob | None = None
        self._running = False
        self._close_when_done = False
        self._report: ExportReport | None = None

        # Given a type, QSettings.value returns that type; the stubs say object whatever it is.
        remembered = cast(str, settings.value(FOLDER_KEY, "", str))
        start = Path(remembered) if remembered else default_dir or Path.home() / "field-notes-site"
        self.folder = QLineEdit(str(start))
        self.folder.setObjectName("exportFolder")
        self.folder.setAccessibleName("Export folder")
        self.folder.setClearButtonEnabled(True)
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._on_choose_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        self.include_drafts = QCheckBox("Include drafts")
        self.include_drafts.setObjectName("exportIncludeDrafts")
        self.include_drafts.setChecked(cast(bool, settings.value(DRAFTS_KEY, False, bool)))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Folder:", folder_row)
        form.addRow("", self.include_drafts)
        # In the field column, under what it explains, not under the label.
        form.addRow("", hint_label("The old site is replaced only once the whole new one is ready; files\n"
                                    "Field Notes did not write (a CNAME, a .git folder) are left alone.", wrap=False))

        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setAccessibleName("Export progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        self.progress.setTextVisible(False)  # "0 %" before anything started reads as stuck
        self.status = hint_label("Ready to export.")
        self.status.setObjectName("exportStatus")
        self.summary = QLabel()
        self.summary.setObjectName("exportSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()
        self.warnings = QPlainTextEdit()
        self.warnings.setObjectName("exportWarnings")
        self.warnings.setAccessibleName("Export warnings")
        self.warnings.setReadOnly(True)
        self.warnings.setMaximumHeight(110)
        self.warnings.hide()
        self.error = error_label()

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportStart")
        self.export_button.setDefault(True)
        self.open_button = self.buttons.addButton("Open Folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("exportOpenFolder")
        self.open_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("exportCancel")
        self.cancel_button.hide()
        self.export_button.clicked.connect(self.start_export)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel_export)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.export_button.setFocus()  # not the folder field, all selected under a blinking cursor

    @property
    def report(self) -> ExportReport | None:
        return self._report

    def is_running(self) -> bool:
        return self._running

    def start_export(self) -> None:
        text = self.folder.text().strip()
        if not text:
            self._show_error("Choose a folder to export the site into.")
            return
        out = Path(text).expanduser()
        settings = self._settings
        settings.setValue(FOLDER_KEY, str(out))
        settings.setValue(DRAFTS_KEY, self.include_drafts.isChecked())
        settings.sync()  # where an export may be under way is known even if the app is killed
        options = ExportOptions(out=out, include_drafts=self.include_drafts.isChecked())
        self._set_running(True)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.status.setText("Reading the entries…")
        self.summary.hide()
        self.warnings.hide()
        self.error.hide()
        self.open_button.hide()
        exports = self._services.exports

        def export(control: JobControl) -> ExportReport:
            return exports.export(options, progress=control.progress, cancelled=control.cancelled)

        self._job = self._tasks.jobs.start("export", export, self._on_export_done, self._on_export_failed)
        self._job.progressed.connect(self._on_export_advanced)

    def cancel_export(self) -> None:
        if self._running and self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping…")

    # -- results ---------------------------------------------------------------------------

    def _on_export_advanced(self, done: int, total: int, label: str) -> None:
        if not self._running:
            return
        self.progress.setValue(int(done * 100 / total) if total else 100)
        self.status.setText(f"{done:,} of {total:,} · {label}")

    def _on_export_done(self, report: ExportReport) -> None:
        self._set_running(False)
        self._report = report
        self.progress.setValue(100)
        self.status.setText(f"Exported to {report.out}")
        warned = len(report.warnings)
        self.summary.setText(
            f"{_bold(report.pages, 'page')}, including {_bold(report.entries, 'entry', 'entries')} · "
            f"{_bold(report.assets, 'asset')} · {_changes(report)} · <b>{report.seconds:.2f}</b> s · "
            + (f"{_bold(warned, 'warning')}:" if warned else "no warnings")
        )
        self.summary.show()
        self.warnings.setPlainText("\n".join(f"• {w}" for w in report.warnings))
        self.warnings.setVisible(bool(warned))
        self.open_button.show()
        self.open_button.setDefault(True)
        self.export_finished.emit(report)
        self._close_if_asked()

    def _on_export_failed(self, error: BaseException) -> None:
        self._set_running(False)
        self.progress.setValue(0)
        if isinstance(error, ExportCancelled):
            self.status.setText(error.message)
        elif isinstance(error, FieldnotesError):
            self.status.setText("The export did not finish.")
            self._show_error(error.message)
        else:
            log.error("export failed", exc_info=error)
            self.status.setText("The export did not finish.")
            self._show_error(f"The export stopped on an unexpected error ({type(error).__name__}); see the log.")
        self._close_if_asked()

    def _on_open_button_clicked(self) -> None:
        if self._report is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._report.out)))

    def _on_choose_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Export the site into", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    # -- state -----------------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.export_button.setVisible(not running)
        self.close_button.setVisible(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.folder.setEnabled(not running)
        self.include_drafts.setEnabled(not running)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _close_if_asked(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def reject(self) -> None:
        # Escape or the window's close button during an export stops it first.
        if self._running:
            self._close_when_done = True
            self.cancel_export()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._running:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)


def _changes(report: ExportReport) -> str:
    """What this export did to the folder: a re-export with nothing new says so."""
    if not report.changed and not report.removed:
        return "nothing changed"
    parts = [f"{_bold(report.changed, 'file')} changed"]
    if report.removed:
        parts.append(f"<b>{report.removed:,}</b> removed")
    if report.redirected:
        parts.append(_bold(report.redirected, "redirect"))
    return ", ".join(parts)


def _bold(n: int, one: str, many: str | None = None) -> str:
    """`<b>1</b> entry`, `<b>1,204</b> entries`: the count in bold, the noun agreeing with it."""
    return f"<b>{n:,}</b> {one if n == 1 else (many or one + 's')}"
