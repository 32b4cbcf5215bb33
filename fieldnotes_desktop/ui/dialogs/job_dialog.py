"""What dialogs that run a long job share: the progress bar, the failure line, an export dialog's running part."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QProgressBar, QWidget

from fieldnotes_desktop.errors import ExportCancelled, FieldnotesError
from fieldnotes_desktop.ui.dialogs.style import error_label, hint_label
from fieldnotes_desktop.ui.tasks import JobControl, LongJob, LongJobLane

log = logging.getLogger(__name__)


def progress_bar() -> QProgressBar:
    """A bar from 0 to 100, its percentage hidden: "0 %" before anything started reads as stuck."""
    bar = QProgressBar()
    bar.setRange(0, 100)
    bar.setTextVisible(False)
    return bar


def percent(done: int, total: int) -> int:
    return int(done * 100 / total) if total else 100


def failure_message(what: str, error: BaseException, job: LongJob) -> str:
    """Ours is its own one sentence; anything else is logged with its traceback and named by its type."""
    if isinstance(error, FieldnotesError):
        return error.message
    log.error("%s failed", job.name, exc_info=error)
    return f"The {what} stopped on an unexpected error ({type(error).__name__}); see the log."


R = TypeVar("R")


class FolderExportDialog(QDialog):
    """Export, then Cancel while it runs and Close otherwise, then Open Folder on what it wrote.

    Closing while an export runs cancels it and closes once it has stopped. A subclass builds
    its fields, names and lays out `progress`, `status`, `error` and `buttons`, implements
    `start_export` by handing its work and its way of showing the report to `_start_job`,
    and `_on_open_button_clicked` by opening the folder its report names.
    """

    export_finished = Signal(object)  # the subclass's report

    def __init__(self, jobs: LongJobLane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._job: LongJob | None = None
        self._close_when_done = False

        self.progress = progress_bar()
        self.status = hint_label()
        self.error = error_label()
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.open_button = self.buttons.addButton("Open Folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.hide()
        self.export_button.clicked.connect(self.start_export)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel_export)

    def is_running(self) -> bool:
        return self._job is not None

    def start_export(self) -> None:
        raise NotImplementedError  # each dialog reads its own fields

    def _on_open_button_clicked(self) -> None:
        raise NotImplementedError  # each dialog knows its own report

    def cancel_export(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping…")

    def _start_job(self, name: str, work: Callable[[JobControl], R], show_report: Callable[[R], None]) -> None:
        self._set_running(True)
        self.progress.setValue(0)
        self.status.setText("Reading the entries…")
        self.error.hide()
        self.open_button.hide()

        def done(report: R) -> None:
            self._set_running(False)
            self.progress.setValue(100)
            show_report(report)
            self.open_button.show()
            self.open_button.setDefault(True)
            self.export_finished.emit(report)
            self._close_if_asked()

        def failed(error: BaseException) -> None:
            self._set_running(False)
            self.progress.setValue(0)
            if isinstance(error, ExportCancelled):
                self.status.setText(error.message)
            else:
                self.status.setText("The export did not finish.")
                self._show_error(failure_message("export", error, job))
            self._close_if_asked()

        job = self._jobs.start(name, work, done, failed)
        job.progressed.connect(self._on_job_progressed)
        self._job = job

    def _on_job_progressed(self, done: int, total: int, label: str) -> None:
        if self._job is not None:
            self.progress.setValue(percent(done, total))
            self.status.setText(f"{done:,} of {total:,} · {label}")

    def _set_running(self, running: bool) -> None:
        """A subclass extends this to lock its own fields while the export runs."""
        if not running:
            self._job = None
        self.export_button.setVisible(not running)
        self.close_button.setVisible(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _close_if_asked(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def reject(self) -> None:
        # Escape or the window's close button during an export stops it first.
        if self.is_running():
            self._close_when_done = True
            self.cancel_export()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.is_running():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
