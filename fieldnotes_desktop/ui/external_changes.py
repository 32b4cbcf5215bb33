"""Notices when another process changed the database: a cheap probe on the database lane, once a second."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from fieldnotes_desktop.ui.tasks import Op, Tasks

POLL_MS = 1000  # what the writer waits, at most, to see another window's or the command line's change


class ExternalChanges(QObject):
    """Polls SQLite's `data_version` on the database lane; it moves only for other connections' commits."""

    changed = Signal()  # someone else committed since the last poll

    def __init__(self, tasks: Tasks, data_version: Callable[[], int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._data_version = data_version
        self._seen: int | None = None
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.poll()  # the first answer is the baseline
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        # Keyed: a poll still queued behind a long save is not asked twice.
        self._tasks.run(Op(self._data_version, key="data-version"), self._on_polled, self._on_poll_failed)

    def _on_polled(self, version: int) -> None:
        seen, self._seen = self._seen, version
        if seen is not None and version != seen:
            self.changed.emit()

    def _on_poll_failed(self, _error: BaseException) -> None:
        pass  # a locked or busy file: the next poll asks again, and saves report their own failures
