"""Counts the open entry's words on the compute lane, a moment after typing pauses; latest wins."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from fieldnotes_desktop.render import count_words, reading_minutes
from fieldnotes_desktop.render.text_stats import PIECEWISE_FROM
from fieldnotes_desktop.ui.tasks import ComputeLane

DEBOUNCE_MS = 250
OPENED_MS = 2000  # after a long entry's page has painted: the count must not slow it
KEY = "word-count"


def describe_today(words: int) -> str:
    """`318 words today`: what saves added since midnight, less what they deleted (never below 0)."""
    words = max(0, words)
    return f"{words:,} {'word' if words == 1 else 'words'} today"


def describe(words: int, override: int | None, goal: int | None = None) -> str:
    """`629 words · 3 min read`, or `629 of 1,000 words` against a goal; an empty entry is
    `0 words`, with no time to read it."""
    counted = f"{words:,} {'word' if words == 1 else 'words'}"
    if goal is not None:
        counted = f"{words:,} of {goal:,} words" + (" ✓" if words >= goal else "")
    if words == 0 and override is None:
        return counted
    return f"{counted} · {reading_minutes(words, override)} min read"


class WordCounter(QObject):
    """A whole-text count costs ~0.1 s at book length, so it never runs per keystroke."""

    counted = Signal(int)  # words in the latest text asked about

    def __init__(self, compute: ComputeLane, text_source: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._compute = compute
        self._text_source = text_source
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.count_now)

    def text_changed(self) -> None:
        self._timer.start(DEBOUNCE_MS)

    def opened(self, text: str) -> None:
        """A long text just opened is counted once, a moment later: the counts kept for its
        paragraphs then spare every save while the writer types the whole count again."""
        if len(text) >= PIECEWISE_FROM:
            self._timer.start(OPENED_MS)

    def count_now(self) -> None:
        self._timer.stop()
        text = self._text_source()
        self._compute.submit(KEY, lambda: count_words(text), self.counted.emit)

    def forget(self) -> None:
        """Drops a count still pending: the text it was asked about has left the editor."""
        self._timer.stop()
        self._compute.forget(KEY)

    def shutdown(self) -> None:
        self._timer.stop()
