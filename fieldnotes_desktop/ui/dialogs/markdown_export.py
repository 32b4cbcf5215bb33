"""File ▸ Export as Markdown: choose a folder and a layout, write every entry on the long-job lane, say how it went."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.markdown_export import MarkdownExportOptions, MarkdownExportReport
from fieldnotes_desktop.ui.dialogs.job_dialog import FolderExportDialog
from fieldnotes_desktop.ui.dialogs.style import hint_label
from fieldnotes_desktop.ui.tasks import JobControl, Tasks

FOLDER_KEY = "markdownExport/folder"
LAYOUT_KEY = "markdownExport/layout"
LAYOUTS = (("hugo", "Hugo: content/posts/<slug>/index.md, images beside"),
           ("jekyll", "Jekyll: _posts/YYYY-MM-DD-<slug>.md, images in assets/"))


class MarkdownExportDialog(FolderExportDialog):
    """Writes every entry, drafts marked as drafts, as Markdown with front matter and its images.

    `export_finished` carries the MarkdownExportReport.
    """

    def __init__(self, services: Services, tasks: Tasks, settings: QSettings, parent: QWidget | None = None,
                 default_dir: Path | None = None) -> None:
        super().__init__(tasks.jobs, parent)
        self.setObjectName("markdownExportDialog")
        self.setAccessibleName("Export as Markdown")
        self.setWindowTitle("Export as Markdown")
        self.setMinimumWidth(520)
        self._services = services
        self._settings = settings
        self.report: MarkdownExportReport | None = None

        remembered = cast(str, settings.value(FOLDER_KEY, "", str))
        self.folder = QLineEdit(remembered or str(default_dir or Path.home() / "field-notes-markdown"))
        self.folder.setObjectName("markdownExportFolder")
        self.folder.setAccessibleName("Markdown export folder")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._on_choose_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        self.layout_choice = QComboBox()
        self.layout_choice.setObjectName("markdownExportLayout")
        self.layout_choice.setAccessibleName("Layout")
        for key, label in LAYOUTS:
            self.layout_choice.addItem(label, key)
        chosen = self.layout_choice.findData(cast(str, settings.value(LAYOUT_KEY, "hugo", str)))
        self.layout_choice.setCurrentIndex(max(0, chosen))

        form = QFormLayout()
        form.addRow("Folder:", folder_row)
        form.addRow("Layout:", self.layout_choice)
        form.addRow("", hint_label("An empty folder, or one an earlier Markdown export wrote; files\n"
                                    "Field Notes did not write are left alone.", wrap=False))
        self.progress.setObjectName("markdownExportProgress")
        self.progress.setAccessibleName("Markdown export progress")
        self.status.setText("Every entry, drafts too, with its images.")
        self.status.setObjectName("markdownExportStatus")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(8)
        for widget in (self.progress, self.status, self.error):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.export_button.setFocus()

    def start_export(self) -> None:
        text = self.folder.text().strip()
        if not text:
            self._show_error("Choose a folder to write the Markdown into.")
            return
        options = MarkdownExportOptions(out=Path(text).expanduser(), layout=str(self.layout_choice.currentData()))
        self._settings.setValue(FOLDER_KEY, str(options.out))
        self._settings.setValue(LAYOUT_KEY, options.layout)
        exports = self._services.markdown_exports

        def export(control: JobControl) -> MarkdownExportReport:
            return exports.export(options, progress=control.progress, cancelled=control.cancelled)

        self._start_job("markdown-export", export, self._show_report)

    def _show_report(self, report: MarkdownExportReport) -> None:
        self.report = report
        warnings = "".join(f"\n• {w}" for w in report.warnings)
        self.status.setText(report.summary() + warnings)

    def _on_open_button_clicked(self) -> None:
        if self.report is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report.out)))

    def _on_choose_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Write the Markdown into", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        self.folder.setEnabled(not running)
        self.layout_choice.setEnabled(not running)
        self.progress.setTextVisible(running)
