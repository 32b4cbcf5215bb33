"""The three lanes of background work, the only way the UI runs anything off the GUI thread.

- The **database lane**: one serial worker for every read and write the window makes. Jobs run
  in order; a job with a key replaces a queued one with the same key (a burst of saves or
  list reloads collapses into the latest).
- The **compute lane**: pure work (rendering, word counts, diffs) that holds no database
  session. Latest wins per key: a queued job is replaced, a stale result is dropped, and two
  jobs of one key never run at once.
- The **long-job lane**: export, import, backups and checks; each job can be cancelled,
  reports progress, and is finished or cancelled cleanly before the database closes at quit.

Results come back on the GUI thread by signal. An operation says what it changed (`Changes`),
so one dispatcher refreshes only the views that care; failures nobody handles go to `failed`,
which the app wires to its one error presenter.
"""

from __future__ import annotations

import enum
import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from fieldnotes_desktop.ui.outbox import Outbox

log = logging.getLogger(__name__)

T = TypeVar("T")
Failed = Callable[[BaseException], None]
COMPUTE_THREADS = 2  # one for the preview, one for counts and diffs: a book's count never holds a render


class Changes(enum.Flag):
    """What an operation changed in the database, so only the views that show it refresh."""

    NONE = 0
    ENTRIES = enum.auto()  # entry rows: the list, the open entry
    FACETS = enum.auto()  # categories, tags, volumes: the filters and completions
    SITE = enum.auto()  # the site profile: the page around the entry
    ASSETS = enum.auto()  # stored images
    EVERYTHING = ENTRIES | FACETS | SITE | ASSETS


@dataclass(frozen=True)
class Op(Generic[T]):
    """One unit of database work and what it changes when it succeeds."""

    work: Callable[[], T]
    changes: Changes = Changes.NONE
    key: str | None = None  # a newer op with this key replaces one still queued


@dataclass
class _DbJob:
    token: int
    op: Op[Any]
    on_done: Callable[[Any], None] | None
    on_error: Failed | None
    cancelled: bool = field(default=False)


class DatabaseLane(QObject):
    """The serial database worker: jobs run one at a time in order; callbacks run on the GUI thread.

    When the lane is deleted (a window never closed, the interpreter exiting) the thread runs
    what was queued and ends; results that have nobody left to go to are dropped.
    """

    _finished = Signal(int, object, object)  # token, result, exception: worker → GUI thread
    failed = Signal(object)  # an exception nobody handled
    changed = Signal(object)  # Changes of a job that succeeded

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.Queue[_DbJob | None] = queue.Queue()
        self._jobs: dict[int, _DbJob] = {}
        self._pending_by_key: dict[str, _DbJob] = {}
        self._lock = threading.Lock()
        self._tokens = itertools.count(1)
        self._idle = threading.Event()
        self._idle.set()
        self._finished.connect(self._on_finished)
        queue_ = self._queue  # not self: the lane is half gone when the outbox closes
        self._outbox = Outbox(self, on_close=lambda: queue_.put(None))
        self.worker = threading.Thread(target=self._loop, name="fieldnotes-db", daemon=True)
        self.worker.start()

    def run(self, op: Op[T], on_done: Callable[[T], None] | None = None, on_error: Failed | None = None) -> int:
        """Queues `op`; returns a token. Callbacks are called on the GUI thread."""
        job = _DbJob(next(self._tokens), op, on_done, on_error)
        with self._lock:
            if op.key is not None:
                previous = self._pending_by_key.get(op.key)
                if previous is not None:
                    previous.cancelled = True
                self._pending_by_key[op.key] = job
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
        self.worker.join(timeout=1.0)
        return drained

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self._lock:
                key = job.op.key
                if key is not None and self._pending_by_key.get(key) is job:
                    del self._pending_by_key[key]
            result: Any = None
            error: BaseException | None = None
            if not job.cancelled:
                try:
                    result = job.op.work()
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
            return
        if job.on_done is not None:
            job.on_done(result)
        if job.op.changes:
            self.changed.emit(job.op.changes)


@dataclass
class _ComputeJob:
    key: str
    token: int
    work: Callable[[], Any]
    on_done: Callable[[Any], None] | None
    on_error: Failed | None


class ComputeLane(QObject):
    """Pure work on a few threads; the latest job of each key wins."""

    _finished = Signal(object, object, object)  # job, result, exception

    def __init__(self, threads: int = COMPUTE_THREADS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._pending: dict[str, _ComputeJob] = {}  # insertion order is the order of asking
        self._running: set[str] = set()
        self._latest: dict[str, int] = {}
        self._tokens = itertools.count(1)
        self._stopping = False
        self._finished.connect(self._on_finished)
        self._outbox = Outbox(self, on_close=self._ask_to_stop)
        self.workers = [
            threading.Thread(target=self._loop, name=f"fieldnotes-compute-{n}", daemon=True) for n in range(threads)
        ]
        for worker in self.workers:
            worker.start()

    def submit(self, key: str, work: Callable[[], T], on_done: Callable[[T], None] | None = None,
               on_error: Failed | None = None) -> None:
        """Runs `work` soon; a job of `key` still waiting is dropped, and an older result is never delivered."""
        with self._cond:
            if self._stopping:
                return
            token = next(self._tokens)
            self._latest[key] = token
            self._pending.pop(key, None)
            self._pending[key] = _ComputeJob(key, token, work, on_done, on_error)
            self._cond.notify()

    def forget(self, key: str) -> None:
        """Nobody wants `key`'s answer any more (the text it was about left the editor)."""
        with self._cond:
            self._pending.pop(key, None)
            self._latest[key] = next(self._tokens)

    def shutdown(self, timeout: float = 5.0) -> None:
        self._ask_to_stop()
        for worker in self.workers:
            worker.join(timeout)

    def _ask_to_stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._pending.clear()
            self._cond.notify_all()

    def _next_job(self) -> _ComputeJob | None:
        """The oldest waiting job whose key is not running; None when the lane stops."""
        with self._cond:
            while True:
                if self._stopping:
                    return None
                for key, job in self._pending.items():
                    if key not in self._running:
                        del self._pending[key]
                        self._running.add(key)
                        return job
                self._cond.wait()

    def _loop(self) -> None:
        while True:
            job = self._next_job()
            if job is None:
                return
            result: Any = None
            error: BaseException | None = None
            try:
                result = job.work()
            except Exception as exc:  # a broken render must not end the thread
                error = exc
            with self._cond:
                self._running.discard(job.key)
                self._cond.notify_all()
            if job.on_done is not None or error is not None:
                self._outbox.send(self._finished, job, result, error)

    @Slot(object, object, object)
    def _on_finished(self, job: _ComputeJob, result: Any, error: BaseException | None) -> None:
        with self._cond:
            if self._latest.get(job.key) != job.token:
                return  # a newer question of the same key is on its way
        if error is not None:
            if job.on_error is not None:
                job.on_error(error)
            else:
                log.error("background computation %s failed", job.key, exc_info=error)
        elif job.on_done is not None:
            job.on_done(result)


class JobControl:
    """Handed to a long job's work: ask whether it was cancelled, report how far it got."""

    def __init__(self, progress: Callable[[int, int, str], None]) -> None:
        self._cancelled = threading.Event()
        self._progress = progress

    def cancel(self) -> None:
        self._cancelled.set()

    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def progress(self, done: int, total: int, label: str) -> None:
        self._progress(done, total, label)


class LongJob(QObject):
    """One export, import or backup under way: progress and the end arrive by signal."""

    progressed = Signal(int, int, str)
    ended = Signal()  # done, failed or cancelled: the callbacks have run

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.control = JobControl(self._report)
        self._outbox = Outbox(self)
        self.worker: threading.Thread | None = None

    def cancel(self) -> None:
        self.control.cancel()

    def is_running(self) -> bool:
        return self.worker is not None and self.worker.is_alive()

    def _report(self, done: int, total: int, label: str) -> None:
        self._outbox.send(self.progressed, done, total, label)


class LongJobLane(QObject):
    """Long jobs, each on a thread of its own; all of them cancelled and awaited at quit."""

    _finished = Signal(object, object, object)  # job, result, exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: dict[LongJob, tuple[Callable[[Any], None] | None, Failed | None]] = {}
        self._finished.connect(self._on_finished)
        self._outbox = Outbox(self)
        self._closed = False

    def start(self, name: str, work: Callable[[JobControl], T], on_done: Callable[[T], None] | None = None,
              on_error: Failed | None = None) -> LongJob:
        """Starts `work(control)` now; `control.cancelled()` asks it to stop at its next step."""
        job = LongJob(name, self)
        if self._closed:
            job.cancel()
            return job
        self._jobs[job] = (on_done, on_error)
        outbox, finished = self._outbox, self._finished

        def target() -> None:
            try:
                result, error = work(job.control), None
            except BaseException as exc:  # handed to the GUI thread, never lost
                result, error = None, exc
            outbox.send(finished, job, result, error)

        job.worker = threading.Thread(target=target, name=f"fieldnotes-job-{name}", daemon=True)
        job.worker.start()
        return job

    def running(self) -> list[LongJob]:
        return [job for job in self._jobs if job.is_running()]

    def shutdown(self, timeout: float = 30.0) -> bool:
        """Cancels every job and waits for each to stop; True when all stopped in time."""
        self._closed = True
        for job in list(self._jobs):
            job.cancel()
        stopped = True
        for job in list(self._jobs):
            if job.worker is not None:
                job.worker.join(timeout)
                stopped &= not job.worker.is_alive()
        return stopped

    @Slot(object, object, object)
    def _on_finished(self, job: LongJob, result: Any, error: BaseException | None) -> None:
        on_done, on_error = self._jobs.pop(job, (None, None))
        if self._closed:
            on_done = on_error = None  # after quit: whoever asked may be gone; the job was cancelled
        try:
            if error is not None:
                if on_error is not None:
                    on_error(error)
                else:
                    log.error("long job %s failed", job.name, exc_info=error)
            elif on_done is not None:
                on_done(result)
        finally:
            job.ended.emit()


class Tasks(QObject):
    """The three lanes and the one shutdown list, drained in order at quit."""

    changed = Signal(object)  # Changes: the dispatcher refreshes the views that show them
    failed = Signal(object)  # an exception no callback handled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = DatabaseLane(self)
        self.compute = ComputeLane(parent=self)
        self.jobs = LongJobLane(self)
        self.database.changed.connect(self.changed)
        self.database.failed.connect(self.failed)
        self._at_shutdown: list[Callable[[], object]] = []
        self._shut = False

    def run(self, op: Op[T], on_done: Callable[[T], None] | None = None, on_error: Failed | None = None) -> int:
        """Database work: the common case, spelled short."""
        return self.database.run(op, on_done, on_error)

    def at_shutdown(self, step: Callable[[], object]) -> None:
        """`step` runs at quit after the lanes have stopped (closing the database, say), in the order given."""
        self._at_shutdown.append(step)

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Long jobs cancelled and awaited, compute stopped, the database lane drained, then the list."""
        if self._shut:
            return True
        self._shut = True
        jobs_stopped = self.jobs.shutdown(timeout)
        self.compute.shutdown()
        drained = self.database.shutdown(timeout)
        for step in self._at_shutdown:
            try:
                step()
            except Exception:  # one failing step must not keep the rest from running
                log.exception("a shutdown step failed")
        return jobs_stopped and drained
