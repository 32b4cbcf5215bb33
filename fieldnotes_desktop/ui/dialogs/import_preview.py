"""The import dialog: choose files or a folder, see what would come in (a dry run), then import or cancel.

Both the preview and the import run on the long-job lane: the preview is the import itself,
rolled back (`ImportService.import_paths(dry_run=True)`), so what it shows is what Import stores.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldnotes_desktop.records import DRAFT, FINISHED, SCHEDULED, ImportReport
from fieldnotes_desktop.services.importer import ImportService
from fieldnotes_desktop.ui.dialogs.job_dialog import failure_message, percent, progress_bar
from fieldnotes_desktop.ui.dialogs.style import error_label, hint_label
from fieldnotes_desktop.ui.tasks import JobControl, LongJob, LongJobLane


NOTES_WIDTH, NOTES_HEIGHT = 860, 560  # enough for a few notes read whole


class ImportDialog(QDialog):
    """Nothing is stored until Import is pressed; Cancel, at any point before, stores nothing."""

    imported = Signal(object)  # ImportReport of what was stored

    def __init__(self, imports: ImportService, jobs: LongJobLane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setAccessibleName("Import")
        self.setWindowTitle("Import")
        self.setMinimumWidth(620)
        self._imports = imports
        self._jobs = jobs
        self._job: LongJob | None = None
        self._paths: list[Path] = []
        self._preview: ImportReport | None = None

        files = QPushButton("Choose Files…")
        files.setObjectName("importChooseFiles")
        files.clicked.connect(self._on_files_clicked)
        folder = QPushButton("Choose Folder…")
        folder.setObjectName("importChooseFolder")
        folder.clicked.connect(self._on_folder_clicked)
        self.chosen = QLabel("Nothing chosen yet.")
        self.chosen.setObjectName("importChosen")
        self.chosen.setWordWrap(True)
        choose_row = QHBoxLayout()
        choose_row.addWidget(files)
        choose_row.addWidget(folder)
        choose_row.addStretch(1)
        self.status_choice = QComboBox()
        self.status_choice.setObjectName("importStatus")
        self.status_choice.setAccessibleName("Status of plain files")
        self.status_choice.addItem("Draft", DRAFT)
        self.status_choice.addItem("Finished", FINISHED)
        self.status_choice.currentIndexChanged.connect(self._on_status_choice_changed)

        form = QFormLayout()
        form.addRow("Import:", choose_row)
        form.addRow("", self.chosen)
        form.addRow("Plain files without a status:", self.status_choice)
        form.addRow("", hint_label("A Jekyll or Hugo site's posts keep their own status: drafts stay drafts,\n"
                                    "the rest come in finished.", wrap=False))

        self.progress = progress_bar()
        self.progress.setObjectName("importProgress")
        self.progress.setAccessibleName("Import progress")
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.notes = QTreeWidget()
        self.notes.setObjectName("importNotes")
        self.notes.setAccessibleName("What the import could not carry over")
        self.notes.setHeaderLabels(["File", "Line", "What", "Note"])
        self.notes.setRootIsDecorated(False)
        self.notes.setWordWrap(True)  # a note is a sentence: read whole, not cut at the column's edge
        self.notes.hide()
        self.error = error_label()

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importConfirm")
        self.import_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("importCancel")
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    @property
    def preview_report(self) -> ImportReport | None:
        return self._preview

    def preview(self, paths: list[Path]) -> None:
        """Reads `paths` as the import would, stores nothing, and shows what would come in."""
        self._paths = list(paths)
        shown = ", ".join(p.name or str(p) for p in self._paths[:3]) + (" …" if len(self._paths) > 3 else "")
        self.chosen.setText(shown)
        self._start(dry_run=True)

    def start_import(self) -> None:
        if self._preview is not None and self._job is None:
            self._start(dry_run=False)

    # -- the two jobs ------------------------------------------------------------------------

    def _start(self, *, dry_run: bool) -> None:
        if self._job is not None:
            self._job.cancel()  # a preview of an earlier choice: its result is no longer wanted
        self._preview = None if dry_run else self._preview
        self.import_button.setEnabled(False)
        self.error.hide()
        self.progress.setValue(0)
        self.summary.setText("Reading…" if dry_run else "Importing…")
        imports, paths, status = self._imports, list(self._paths), str(self.status_choice.currentData())

        def work(control: JobControl) -> ImportReport:
            return imports.import_paths(
                paths, progress=control.progress, status=status, dry_run=dry_run, cancelled=control.cancelled
            )

        job = self._jobs.start("import-preview" if dry_run else "import", work,
                               lambda report: self._on_done(job, report, dry_run),
                               lambda error: self._on_failed(job, error))
        job.progressed.connect(self._on_progressed)
        self._job = job

    def _on_progressed(self, done: int, total: int, label: str) -> None:
        self.progress.setValue(percent(done, total))

    def _on_done(self, job: LongJob, report: ImportReport, dry_run: bool) -> None:
        if not dry_run:  # stored, even if Cancel came too late to stop it: the window must hear
            self._job = None
            self.imported.emit(report)
            self.accept()
            return
        if job is not self._job:
            return
        self._job = None
        self.progress.setValue(100)
        self._preview = report
        self.summary.setText(describe(report))
        self._show_notes(report)
        self.import_button.setEnabled(bool(report.created))
        self.import_button.setDefault(True)

    def _on_failed(self, job: LongJob, error: BaseException) -> None:
        if job is not self._job:
            return
        self._job = None
        self.progress.setValue(0)
        self.summary.setText("Nothing was imported.")
        self.error.setText(failure_message("import", error, job))
        self.error.show()

    def _show_notes(self, report: ImportReport) -> None:
        self.notes.clear()
        rows = [[note.file, "" if note.line is None else str(note.line), note.construct, note.text]
                for note in report.notes]
        rows += [["", "", "warning", warning] for warning in report.skipped]
        for row in rows:
            item = QTreeWidgetItem(row)
            item.setToolTip(0, row[0])
            item.setToolTip(3, row[3])
            self.notes.addTopLevelItem(item)
        for column in (0, 1, 2):
            self.notes.resizeColumnToContents(column)
        self.notes.setColumnWidth(0, min(self.notes.columnWidth(0), 260))  # the note keeps the room
        self.notes.setVisible(bool(rows))
        if rows and self.height() < NOTES_HEIGHT:
            self.resize(max(self.width(), NOTES_WIDTH), NOTES_HEIGHT)

    # -- choosing ----------------------------------------------------------------------------

    def _on_files_clicked(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Import Files", str(Path.home()), "Markdown or a WordPress export (*.md *.markdown *.mdown *.mkd *.txt *.xml)")
        if paths:
            self.preview([Path(p) for p in paths])

    def _on_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a Folder or a Jekyll or Hugo Site", str(Path.home()))
        if folder:
            self.preview([Path(folder)])

    def _on_status_choice_changed(self, _index: int) -> None:
        if self._paths and (self._job is None or self._preview is None):
            self._start(dry_run=True)

    # -- closing -----------------------------------------------------------------------------

    def reject(self) -> None:
        # A preview is dropped; an import under way is cancelled, and its transaction rolled back.
        if self._job is not None:
            self._job.cancel()
            self._job = None
        super().reject()


def describe(report: ImportReport) -> str:
    """`3 entries (2 finished, 1 draft), 2 images; 4 notes to look at.`"""
    statuses = Counter(entry.status for entry in report.created)
    count = len(report.created)
    waiting = f"{statuses[SCHEDULED]} scheduled, " if statuses[SCHEDULED] else ""
    parts = f"{statuses[FINISHED]} finished, {waiting}{statuses[DRAFT]} draft{'s' * (statuses[DRAFT] != 1)}"
    text = f"{count} {'entry' if count == 1 else 'entries'} ({parts}), {report.assets} image{'s' * (report.assets != 1)}"
    noted = len(report.notes) + len(report.skipped)
    return text + (f"; {noted} note{'s' * (noted != 1)} to look at below." if noted else "; nothing left over.")
