"""The export dialog: choose a folder, write the site on the long-job lane, follow it, open it."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions, ExportReport
from fieldnotes_desktop.ui.window_state import EXPORT_FOLDER_KEY as FOLDER_KEY
from fieldnotes_desktop.ui.tasks import JobControl, Tasks
from fieldnotes_desktop.ui.dialogs.job_dialog import FolderExportDialog
from fieldnotes_desktop.ui.dialogs.style import hint_label

DRAFTS_KEY = "export/includeDrafts"


class ExportDialog(FolderExportDialog):
    """Exports the whole site; the export runs beside the database lane, so saving goes on.

    The folder and the drafts choice are remembered in the window's own settings; the folder
    last exported to comes back next time, the one beside the database the first time;
    `export_finished` carries the ExportReport.
    """

    def __init__(self, services: Services, tasks: Tasks, settings: QSettings, parent: QWidget | None = None,
                 default_dir: Path | None = None) -> None:
        super().__init__(tasks.jobs, parent)
        self.setObjectName("exportDialog")
        self.setAccessibleName("Export")
        self.setWindowTitle("Export Site")
        self.setMinimumWidth(560)
        self._services = services
        self._settings = settings
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

        self.progress.setObjectName("exportProgress")
        self.progress.setAccessibleName("Export progress")
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        self.status.setText("Ready to export.")
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
        self.export_button.setObjectName("exportStart")
        self.open_button.setObjectName("exportOpenFolder")
        self.cancel_button.setObjectName("exportCancel")

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
        exports = self._services.exports

        def export(control: JobControl) -> ExportReport:
            return exports.export(options, progress=control.progress, cancelled=control.cancelled)

        self.progress.setTextVisible(True)
        self.summary.hide()
        self.warnings.hide()
        self._start_job("export", export, self._show_report)

    # -- results ---------------------------------------------------------------------------

    def _show_report(self, report: ExportReport) -> None:
        self._report = report
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

    def _on_open_button_clicked(self) -> None:
        if self._report is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._report.out)))

    def _on_choose_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Export the site into", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    # -- state -----------------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        self.folder.setEnabled(not running)
        self.include_drafts.setEnabled(not running)


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
