"""Runs the interpreter's full garbage collection while the writer pauses, not in the middle of typing.

With a book open the interpreter holds millions of objects, and a full (generation 2)
collection walks them all: 55-65 ms here, holding the lock every thread needs, so it froze
the window at some keystroke of every burst. Young generations are still collected as
usual; the full one waits for a pause in typing, or runs anyway after `LONGEST_S` without one.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

IDLE_MS = 1500  # the same pause after which an entry is saved
LONGEST_S = 120.0
_NEVER = 1_000_000  # collections of generation 1 before an automatic full one: in effect none


class IdleCollector(QObject):
    """Defers full collections to pauses in typing while it runs (`start` … `stop`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.collect)
        self._last = time.monotonic()
        self._thresholds: tuple[int, int, int] | None = None
        self.collections = 0

    def start(self) -> None:
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, _full = self._thresholds
            gc.set_threshold(young, middle, _NEVER)
        gc.freeze()  # what start-up made lives as long as the window: no collection need walk it

    def typed(self) -> None:
        """A key reached the text: collect once the writer pauses (or now, if it has been long)."""
        if self._thresholds is None:
            return
        if time.monotonic() - self._last > LONGEST_S:
            self.collect()
        else:
            self._timer.start(IDLE_MS)

    def collect(self) -> None:
        self._timer.stop()
        gc.collect()
        _give_back_freed_memory()
        self._last = time.monotonic()
        self.collections += 1

    def stop(self) -> None:
        """Puts the interpreter's own schedule back (the window is closing)."""
        self._timer.stop()
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
        gc.unfreeze()


def _give_back_freed_memory() -> None:
    """Hands the C heap's free pages back to the system (glibc only), so what a closed book
    held shows as free again instead of staying in the process's size."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
        return trim
    except (OSError, AttributeError):  # musl and others: no malloc_trim
        return None
