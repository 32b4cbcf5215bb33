"""Runs database work one job at a time on a worker thread and brings results back by signal."""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from fieldnotes_desktop.ui.outbox import Outbox

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


@dataclass
class _Job:
    token: int
    work: Callable[[], Any]
    on_done: Done | None
    on_error: Failed | None
    key: str | None
    cancelled: bool = field(default=False)


class OperationRunner(QObject):
    """A single serial worker: jobs run in order, callbacks run on the GUI thread.

    A job given a `key` replaces a pending (not yet started) job with the same key, so a burst
    of saves or renders collapses into the latest one. Errors go to the job's `on_error`, or
    else to the `failed` signal, which the app wires to its one error presenter. When the runner
    is deleted (a window never closed, the interpreter exiting) the thread runs what was queued
    and ends; results that have nobody left to go to are dropped.
    """

    _finished = Signal(int, object, object)  # token, result, exception: worker → GUI thread
    failed = Signal(object)  # an exception nobody handled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._jobs: dict[int, _Job] = {}
        self._pending_by_key: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._tokens = itertools.count(1)
        self._idle = threading.Event()
        self._idle.set()
        self._finished.connect(self._on_finished)
        queue_ = self._queue  # not self: the runner is half gone when the outbox closes
        self._outbox = Outbox(self, on_close=lambda: queue_.put(None))
        self._thread = threading.Thread(target=self._loop, name="fieldnotes-db", daemon=True)
        self._thread.start()

    def run(
        self,
        work: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        key: str | None = None,
    ) -> int:
        """Queues `work`; returns a token. Callbacks are called on the GUI thread."""
        job = _Job(next(self._tokens), work, on_done, on_error, key)
        with self._lock:
            if key is not None:
                previous = self._pending_by_key.get(key)
                if previous is not None:
                    previous.cancelled = True
                self._pending_by_key[key] = job
            self._jobs[job.token] = job
            self._idle.clear()
            # Queued under the lock: the worker checks "queue empty" under it before it reports
            # idle, so quit can never see idle between the clear above and this put.
            self._queue.put(job)
        return job.token

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Blocks until every queued job has run (used on quit); True when it drained in time."""
        return self._idle.wait(timeout)

    def shutdown(self, timeout: float = 10.0) -> bool:
        drained = self.wait_idle(timeout)
        self._queue.put(None)
        self._thread.join(timeout=1.0)
        return drained

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self._lock:
                if self._pending_by_key.get(job.key or "") is job:
                    del self._pending_by_key[job.key or ""]
            result: Any = None
            error: BaseException | None = None
            if not job.cancelled:
                try:
                    result = job.work()
                except BaseException as exc:  # the presenter decides what the writer sees
                    error = exc
            self._outbox.send(self._finished, job.token, result, error)
            with self._lock:
                if self._queue.empty() and not self._pending_by_key:
                    self._idle.set()

    @Slot(int, object, object)
    def _on_finished(self, token: int, result: Any, error: BaseException | None) -> None:
        with self._lock:
            job = self._jobs.pop(token, None)
        if job is None or job.cancelled:
            return
        if error is not None:
            if job.on_error is not None:
                job.on_error(error)
            else:
                self.failed.emit(error)
        elif job.on_done is not None:
            job.on_done(result)
