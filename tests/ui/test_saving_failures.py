"""A save that fails is shown, retried, and never costs the writer a word."""

from __future__ import annotations

import contextlib
import json
import sqlite3

from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.ui.tasks import Op
from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.ui.window_prompts import QuitChoice
from tests.ui.conftest import cli


def _type(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    window.editor.setFocus()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, text)


def test_locked_database_shows_the_failure_retries_and_then_saves(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    other = sqlite3.connect(seeded_db, timeout=0.1, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        _type(qtbot, window, " Written while the file was locked.")
        qtbot.waitUntil(lambda: window.save_state_label.text().startswith("Not saved:"),
                        timeout=15000)
        assert "busy in another program" in window.save_state_label.text()
        assert "retrying" in window.save_state_label.text()
        assert window.editor.toPlainText().endswith("Written while the file was locked.")
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: window.save_state_label.text() == "Saved", timeout=20000)
    hits = json.loads(cli(seeded_db, "search", "locked", "--json").stdout)
    assert [h["title"] for h in hits] == [window.desk.entry.title]


def test_failed_save_on_quit_asks_and_keeps_the_text(open_window, seeded_db, qtbot, monkeypatch):
    window = open_window(seeded_db)
    entries = window.services.entries
    real_update = entries.update

    def full_disk(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseError("The disk holding the database is full; free some space.")

    monkeypatch.setattr(entries, "update", full_disk)
    asked = []
    monkeypatch.setattr(window, "ask_unsaved_on_quit",
                        lambda error: asked.append(error) or QuitChoice.CANCEL)
    _type(qtbot, window, " Precious sentence.")
    window.close()
    assert asked and "disk holding the database is full" in str(asked[0])
    assert not window._closed and window.isVisible()
    assert window.editor.toPlainText().endswith("Precious sentence.")
    assert window.save_state_label.text().startswith("Not saved: The disk")

    monkeypatch.setattr(entries, "update", real_update)  # space was freed
    monkeypatch.setattr(window, "ask_unsaved_on_quit", lambda error: QuitChoice.CANCEL)
    window.close()
    assert window._closed
    hits = json.loads(cli(seeded_db, "search", "precious", "--json").stdout)
    assert len(hits) == 1


def test_pending_text_of_an_entry_survives_switching_away_while_saves_fail(
        open_window, seeded_db, qtbot, monkeypatch):
    window = open_window(seeded_db)
    entries = window.services.entries
    real_update = entries.update
    monkeypatch.setattr(entries, "update", lambda *a, **k: (_ for _ in ()).throw(
        DatabaseError("The database is read-only.")))
    first = window.desk.entry
    _type(qtbot, window, " Unsaved but not lost.")
    model = window.entry_list.model
    window.entry_list.view.setCurrentIndex(model.index(1, 0))
    qtbot.waitUntil(lambda: window.desk.entry.id != first.id, timeout=5000)
    window.entry_list.view.setCurrentIndex(model.index(0, 0))
    qtbot.waitUntil(lambda: window.desk.entry.id == first.id, timeout=5000)
    # Reopened from the database, the entry still shows what was typed and not yet stored.
    assert window.editor.toPlainText().endswith("Unsaved but not lost.")
    monkeypatch.setattr(entries, "update", real_update)
    window.desk.saver.flush()
    qtbot.waitUntil(lambda: window.save_state_label.text() == "Saved", timeout=5000)
    assert json.loads(cli(seeded_db, "search", "unsaved", "--json").stdout)


def test_unexpected_error_is_logged_and_the_app_keeps_running(open_window, seeded_db, qtbot,
                                                              tmp_path):
    import logging

    window = open_window(seeded_db)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("fieldnotes_desktop.ui").addHandler(handler)
    try:
        with qtbot.waitSignal(window.presenter.error_shown, timeout=5000) as shown:
            window.tasks.run(Op(lambda: 1 / 0))
    finally:
        logging.getLogger("fieldnotes_desktop.ui").removeHandler(handler)
    assert "did not expect" in shown.args[0]
    assert any("ZeroDivisionError" in r.getMessage() for r in records)
    with qtbot.waitSignal(window.presenter.error_shown, timeout=5000) as shown:
        window.tasks.run(Op(lambda: (_ for _ in ()).throw(DatabaseError("The database is damaged."))))
    assert shown.args[0] == "The database is damaged."
    assert window.isVisible()


def test_history_is_not_offered_while_the_text_on_screen_cannot_be_saved(
        open_window, seeded_db, qtbot, monkeypatch):
    # Restoring a revision replaces the entry and forgets its unsaved text: not while it fails.
    window = open_window(seeded_db)
    entries = window.services.entries
    real_update = entries.update
    monkeypatch.setattr(entries, "update", lambda *a, **k: (_ for _ in ()).throw(
        DatabaseError("The database is read-only.")))
    monkeypatch.setattr(window, "ask_unsaved_on_quit", lambda error: QuitChoice.DISCARD)
    opened = []
    monkeypatch.setattr(window.dialogs, "history", lambda *args: opened.append("history"))
    shown = []
    window.presenter.error_shown.connect(shown.append)
    _type(qtbot, window, " Not yet stored.")
    window._on_history_triggered()
    assert opened == []
    assert shown and "could not be saved" in shown[-1] and "read-only" in shown[-1]
    assert window.editor.toPlainText().endswith("Not yet stored.")
    assert window.desk.saver.has_unsaved()

    monkeypatch.setattr(entries, "update", real_update)
    window._on_history_triggered()
    assert opened == ["history"]
    assert not window.desk.saver.has_unsaved()
