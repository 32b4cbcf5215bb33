"""SIGTERM/SIGINT close the window like the writer would, and never lose text that failed to save."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.app import close_for_signal
from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.ui.window_prompts import QuitChoice


class _App:
    def __init__(self) -> None:
        self.quits = 0

    def quit(self) -> None:
        self.quits += 1


def test_signal_does_not_quit_while_a_failing_save_keeps_the_window_open(
        open_window, seeded_db, qtbot, monkeypatch):
    window = open_window(seeded_db)
    entries = window.services.entries
    real_update = entries.update
    monkeypatch.setattr(entries, "update", lambda *a, **k: (_ for _ in ()).throw(
        DatabaseError("The disk holding the database is full; free some space.")))
    monkeypatch.setattr(window, "ask_unsaved_on_quit", lambda error: QuitChoice.CANCEL)
    window.editor.setFocus()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " Last words.")
    app = _App()
    assert close_for_signal(app, window) is False  # type: ignore[arg-type]
    assert app.quits == 0
    assert not window._closed and window.isVisible()
    assert window.editor.toPlainText().endswith("Last words.")

    monkeypatch.setattr(entries, "update", real_update)
    assert close_for_signal(app, window) is True  # type: ignore[arg-type]
    assert app.quits == 1 and window._closed
