"""Typing that never pauses is still saved: at most MAX_WAIT_MS after the first unsaved key."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.ui.save_controller import IDLE_MS, MAX_WAIT_MS


def _stored_bodies(db: Path) -> list[str]:
    # A plain read-only connection of its own, as another program would look at the file.
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT body FROM entries")]


def test_continuous_typing_is_saved_without_waiting_for_a_pause(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    editor = window.editor
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    gap_ms = IDLE_MS // 4  # well inside the idle delay: the idle save alone would never fire
    assert gap_ms * 4 <= IDLE_MS
    typed = ""
    seen_while_typing: list[float] = []
    started = time.monotonic()
    deadline = started + (MAX_WAIT_MS + 1500) / 1000
    while time.monotonic() < deadline:
        qtbot.keyClicks(editor, "w")
        typed += "w"
        qtbot.wait(gap_ms)
        if any(typed[:5] in body for body in _stored_bodies(seeded_db)) and not seen_while_typing:
            seen_while_typing.append(time.monotonic() - started)
    # Still typing (no pause longer than gap_ms so far), yet the first keys are on disk.
    assert seen_while_typing, "nothing typed was saved while the typing went on"
    assert seen_while_typing[0] <= (MAX_WAIT_MS + 1000) / 1000
