"""Scheduled entries going out while the app is open: released at start and once a minute, shown in place."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from fieldnotes_desktop.records import EntrySummary
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.desk import Desk
from fieldnotes_desktop.ui.entry_list import EntryListPanel
from fieldnotes_desktop.ui.tasks import Op, Tasks

log = logging.getLogger(__name__)

# How late the list may be to say "Finished" once a moment passes. The export releases what is
# due anyway, before it reads anything: this only keeps the list and the open entry true.
RELEASE_CHECK_MS = 60 * 1000


class ScheduledReleases(QObject):
    """Asks the schedule on the database lane; a release is shown as a bulk edit's is, in place."""

    released = Signal(object)  # tuple[EntrySummary, ...] of the entries made finished

    def __init__(self, services: Services, tasks: Tasks, desk: Desk, entry_list: EntryListPanel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._desk = desk
        self._list = entry_list
        self._timer = QTimer(self, interval=RELEASE_CHECK_MS)
        self._timer.timeout.connect(self.release_due)

    def start(self) -> None:
        self.release_due()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def release_due(self) -> None:
        """Releases what is due, unless the writer has text not yet saved: a release raises the
        version of the entry it changes, and a save queued meanwhile on the old one would be
        refused as changed elsewhere. The next minute (or the next export) releases it."""
        if self._desk.saver.has_unsaved():
            return
        services = self._services  # asked on the lane: a store opened on first use opens there
        self._tasks.run(Op(lambda: services.schedule.release_due(), key="release-due"),
                        self._on_released, self._on_failed)

    def _on_released(self, released: Sequence[EntrySummary]) -> None:
        if not released:
            return
        self._desk.take_stored_values(released, "status")
        with self._list.still():
            self._list.model.update_summaries(released)
        titles = ", ".join(f"“{s.title or 'Untitled'}”" for s in released[:3])
        more = f" and {len(released) - 3:,} more" if len(released) > 3 else ""
        self._desk.message.emit(f"Now finished, as scheduled: {titles}{more}.")
        self.released.emit(tuple(released))

    def _on_failed(self, error: BaseException) -> None:
        # Housekeeping: a busy file is asked again next minute; an export releases on its own.
        log.warning("releasing scheduled entries failed: %s", error, exc_info=error)
