"""Lets a worker thread emit a QObject's signals only while that QObject still exists."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, SignalInstance


class Outbox:
    """The one way our worker threads reach the GUI thread.

    A script that never closes its window leaves the interpreter's exit to delete every QObject
    Python still holds, in no set order, while worker threads may be halfway through a job; a
    plain `signal.emit` from such a thread then raises "Signal source has been deleted". The
    owner's `destroyed` closes the outbox under the lock every sender holds, so no emission
    overlaps the deletion; a wrapper that shiboken invalidates before Qt says `destroyed` is
    caught at the emit. `on_close` lets the owner stop its thread at the same moment.
    """

    def __init__(self, owner: QObject, on_close: Callable[[], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._open = True
        self._on_close = on_close
        # Not a lambda over `owner`: this must run while the owner is half gone.
        owner.destroyed.connect(self.close)

    @property
    def is_open(self) -> bool:
        return self._open

    def close(self, *_args: object) -> None:
        with self._lock:
            was_open, self._open = self._open, False
        if was_open and self._on_close is not None:
            self._on_close()

    def send(self, signal: SignalInstance, *args: object) -> bool:
        """Emits `signal(*args)` if the owner lives; False when the result has nobody to go to."""
        with self._lock:
            if not self._open:
                return False
            try:
                signal.emit(*args)
            except RuntimeError:  # the wrapper went first: the interpreter is shutting down
                self._open = False
                return False
            return True
