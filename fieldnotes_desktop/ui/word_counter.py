"""Counts the open entry's words off the GUI thread, a moment after typing pauses; latest wins."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

from fieldnotes_desktop.render import count_words, reading_minutes
from fieldnotes_desktop.ui.outbox import Outbox

DEBOUNCE_MS = 250


def describe(words: int, override: int | None) -> str:
    minutes = reading_minutes(words, override)
    return f"{words:,} {'word' if words == 1 else 'words'} · {minutes} min read"


class WordCounter(QObject):
    """A whole-text count costs ~0.1 s at book length, so it never runs per keystroke."""

    counted = Signal(int)  # words in the latest text asked about
    _finished = Signal(int, int)  # generation, words (from the counting thread)

    def __init__(self, text_source: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text_source = text_source
        self._generation = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldnotes-words")
        pool = self._pool  # not self: the counter is half gone when the outbox closes
        self._outbox = Outbox(self, on_close=lambda: pool.shutdown(wait=False, cancel_futures=True))
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.count_now)
        self._finished.connect(self._on_finished)

    def text_changed(self) -> None:
        self._timer.start()

    def count_now(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation, text = self._generation, self._text_source()
        if self._outbox.is_open:
            self._pool.submit(lambda: self._outbox.send(self._finished, generation, count_words(text)))

    def forget(self) -> None:
        """Drops a count still pending: the text it was asked about has left the editor."""
        self._timer.stop()
        self._generation += 1

    def shutdown(self) -> None:
        self._timer.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _on_finished(self, generation: int, words: int) -> None:
        if generation == self._generation:
            self.counted.emit(words)
