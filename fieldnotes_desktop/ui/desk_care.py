"""Looking after the database while the app runs: the integrity check, daily backups, unfinished exports."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.tasks import JobControl, Tasks

if TYPE_CHECKING:
    from fieldnotes_desktop.services.maintenance import BackupOutcome, IntegrityReport

log = logging.getLogger(__name__)

# A backup a day "while the app is used": checked at start and then every hour, so a window
# left open over midnight still makes the next day's backup.
BACKUP_CHECK_MS = 60 * 60 * 1000


class DeskCare(QObject):
    """Runs the slow checks on the long-job lane, beside the database lane, so the first window and saves never wait."""

    damaged = Signal(object)  # IntegrityReport of a file that failed its check
    backed_up = Signal(object)  # BackupOutcome of the day's backup (made, present, or skipped)
    backup_skipped = Signal(str)  # why the day's backup was not made (the disk is nearly full)
    exports_recovered = Signal(list)  # folders whose interrupted export was finished

    def __init__(self, services: Services, tasks: Tasks, export_folders: list[Path],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._jobs = tasks.jobs
        self._export_folders = export_folders
        self._timer = QTimer(self, interval=BACKUP_CHECK_MS)
        self._timer.timeout.connect(self.back_up_today)
        self.report: IntegrityReport | None = None

    def start(self) -> None:
        """The integrity check first; the day's backup only of a file that passed it."""
        services = self._services  # asked on the job's thread: a store opened on first use opens there
        self._jobs.start("integrity", lambda _control: services.maintenance.quick_check(), self._on_checked,
                         self._on_failed)
        folders = list(self._export_folders)
        self._jobs.start("exports", lambda control: _recover(folders, control), self._on_exports_recovered,
                         self._on_failed)

    def stop(self) -> None:
        self._timer.stop()

    def back_up_today(self) -> None:
        if self.report is not None and not self.report.ok:
            return  # a copy of a damaged file would push a good backup out of the rotation
        services = self._services
        self._jobs.start("backup", lambda _control: services.maintenance.daily_backup(dt.date.today()),
                         self._on_backed_up, self._on_failed)

    def _on_checked(self, report: IntegrityReport) -> None:
        self.report = report
        if not report.ok:
            log.error("integrity check failed: %s", "; ".join(report.problems))
            self.damaged.emit(report)
            return
        self.back_up_today()
        self._timer.start()

    def _on_backed_up(self, outcome: BackupOutcome) -> None:
        if outcome.skipped:
            log.warning("daily backup skipped: %s", outcome.skipped)
            self.backup_skipped.emit(outcome.skipped)
        elif outcome.created:
            log.info("daily backup written to %s", outcome.path)
        self.backed_up.emit(outcome)

    def _on_exports_recovered(self, folders: list[Path]) -> None:
        if folders:
            log.info("finished interrupted exports in %s", ", ".join(map(str, folders)))
            self.exports_recovered.emit(folders)

    def _on_failed(self, error: BaseException) -> None:
        # Housekeeping must never stop the writer: it is logged and tried again later.
        log.warning("background care failed: %s", error, exc_info=error)


def _recover(folders: list[Path], control: JobControl) -> list[Path]:
    """Finishes exports into `folders` that a kill or a power cut interrupted."""
    from fieldnotes_desktop.export.writer import recover

    finished = []
    for folder in dict.fromkeys(folders):
        if control.cancelled():
            break
        try:
            if folder.is_dir() and recover(folder):
                finished.append(folder)
        except Exception as exc:  # another export may hold the folder; the next export finishes it
            log.info("could not finish the export in %s yet: %s", folder, exc)
    return finished
