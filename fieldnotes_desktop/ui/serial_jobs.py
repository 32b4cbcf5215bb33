"""One long job at a time for a dialog: a newer one waits until the one running has stopped.

The publish dialog's dry run, publish and connection test build into, or talk to, the same
places; two at once would race. A job asked for while another runs either replaces it (the
one running is cancelled, its result dropped) or waits its turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from fieldnotes_desktop.ui.tasks import Failed, JobControl, LongJob, LongJobLane

T = TypeVar("T")


class SerialJobs(QObject):
    """Starts long jobs on the lane one after the other; progress is the running job's only."""

    progressed = Signal(int, int, str)  # done, total, label of the job running now
    went_idle = Signal()  # nothing runs and nothing waits

    def __init__(self, jobs: LongJobLane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._job: LongJob | None = None
        self._waiting: Callable[[], None] | None = None

    def busy(self) -> bool:
        return self._job is not None or self._waiting is not None

    def superseded(self) -> bool:
        """Another job waits for the running one: the running one's outcome is old news."""
        return self._waiting is not None

    def start(self, name: str, work: Callable[[JobControl], T], on_done: Callable[[T], None],
              on_error: Failed, *, replace: bool = True) -> None:
        """Runs `work` now, or once the running job has ended (cancelled first when `replace`)."""

        def begin() -> None:
            job = self._jobs.start(name, work, lambda result: self._finish(job, on_done, result),
                                   lambda error: self._finish(job, on_error, error))
            self._job = job
            job.progressed.connect(lambda done, total, label: self._on_job_progressed(job, done, total, label))
            job.ended.connect(lambda: self._on_job_ended(job))

        if self._job is None:
            begin()
            return
        if replace:
            self._job.cancel()
        self._waiting = begin

    def cancel(self) -> None:
        """Stops the running job at its next step; a waiting one never starts."""
        self._waiting = None
        if self._job is not None:
            self._job.cancel()

    def _finish(self, job: LongJob, callback: Callable[[Any], None], value: Any) -> None:
        if job is self._job:
            self._job = None  # before the callback: it may start the next job at once
        callback(value)

    def _on_job_progressed(self, job: LongJob, done: int, total: int, label: str) -> None:
        if job is self._job and self._waiting is None:
            self.progressed.emit(done, total, label)

    def _on_job_ended(self, job: LongJob) -> None:
        if job is self._job:
            self._job = None
        if self._job is not None:
            return
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            waiting()
        else:
            self.went_idle.emit()
