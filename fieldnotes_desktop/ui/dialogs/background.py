"""Runs slow pure computations (diffs, word counts, the export) on a thread; results come back by signal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class Background(QObject):
    """One thread per call; a newer call with the same `key` makes the older one's result stale.

    Not for database writes: those go through the serial `OperationRunner`.
    """

    _finished = Signal(object, object, object, object)  # key, token, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest: dict[str, int] = {}
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None] | None]] = {}
        self._next = 0
        self._threads: list[threading.Thread] = []
        self._finished.connect(self._on_finished)

    def run(
        self,
        key: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._next += 1
        token = self._next
        self._latest[key] = token
        self._callbacks[token] = (on_done, on_error)

        def target() -> None:
            try:
                result, error = work(), None
            except BaseException as exc:  # handed to the GUI thread, never lost
                result, error = None, exc
            try:
                self._finished.emit(key, token, result, error)
            except RuntimeError:
                pass  # the dialog went away while we worked

        thread = threading.Thread(target=target, name=f"fieldnotes-{key}", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    @Slot(object, object, object, object)
    def _on_finished(self, key: str, token: int, result: Any, error: BaseException | None) -> None:
        on_done, on_error = self._callbacks.pop(token, (None, None))
        if on_done is None or self._latest.get(key) != token:
            return
        if error is None:
            on_done(result)
        elif on_error is not None:
            on_error(error)
        else:
            log.error("background %s failed", key, exc_info=error)
