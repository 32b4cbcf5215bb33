"""Another process writes while the window is open: the list follows, and no text is ever overwritten unseen."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from tests.ui.conftest import cli


def _titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.entry_list.model
    return [model.summary_at(row).title for row in range(model.rowCount())]


def _update_elsewhere(db: Path, title: str, body: str) -> None:
    """What a second window or the command line does: its own connection, its own commit."""
    services = open_services(db)
    try:
        entry = next(s for s in services.entries.list_summaries() if s.title == title)
        services.entries.update(entry.id, EntryFields(body=body))
    finally:
        services.close()


def _stored_body(db: Path, title: str) -> str:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return str(conn.execute("SELECT body FROM entries WHERE title = ?", (title,)).fetchone()[0])


def _conflict_revisions(db: Path, title: str) -> list[str]:
    """The texts History kept when two writers met on the entry titled `title`."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute(
            "SELECT r.body FROM revisions r JOIN entries e ON e.id = r.entry_id "
            "WHERE e.title = ? AND r.reason = 'conflict'", (title,))]


def test_a_command_line_import_shows_up_in_the_list_within_two_seconds(open_window, seeded_db, qtbot, tmp_path):
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 3, timeout=5000)
    post = tmp_path / "posts" / "2025-02-01-scree-run.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: Scree run\n---\nDown the gully at a run.\n", encoding="utf-8")
    result = cli(seeded_db, "import", str(post.parent))
    assert result.returncode == 0, result.stderr
    done = time.monotonic()
    qtbot.waitUntil(lambda: "Scree run" in _titles(window), timeout=2000)
    assert time.monotonic() - done <= 2.0


def test_an_open_entry_without_edits_is_reloaded_in_place(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.desk.entry is not None, timeout=5000)
    title = window.desk.entry.title
    cursor = window.editor.textCursor()
    cursor.setPosition(5)
    window.editor.setTextCursor(cursor)
    _update_elsewhere(seeded_db, title, "Rewritten in another window, at length.")
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "Rewritten in another window, at length.", timeout=3000)
    assert window.editor.textCursor().position() == 5  # the writer's place is kept
    assert not window.conflict_bar.isVisible()
    assert not window.desk.saver.has_unsaved()


def test_unsaved_text_is_kept_when_the_stored_entry_changes_and_nothing_is_overwritten(
        open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.desk.entry is not None, timeout=5000)
    title = window.desk.entry.title
    window.external.stop()  # the save itself meets the other writer, before the app notices
    window.desk.saver._idle.setInterval(60_000)  # the writer is mid-sentence: no save before the other one
    window.desk.saver._max_wait.setInterval(60_000)
    window.editor.setFocus()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " Mine, not yet saved.")
    mine = window.editor.toPlainText()
    _update_elsewhere(seeded_db, title, "Theirs, saved first.")

    window.desk.saver.save_now()  # based on the version read before theirs: refused by the database
    qtbot.waitUntil(lambda: window.conflict_bar.isVisible(), timeout=3000)
    assert "changed elsewhere" in window.save_state_label.text()
    assert window.editor.toPlainText() == mine
    assert _stored_body(seeded_db, title) == "Theirs, saved first."
    assert window.desk.saver.has_unsaved()

    # The bar offers the choice; "Keep Mine" writes mine and keeps theirs in History.
    window.conflict_bar.keep_button.click()
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=3000)
    assert _stored_body(seeded_db, title) == mine
    assert not window.conflict_bar.isVisible()
    kept = _conflict_revisions(seeded_db, title)
    assert "Theirs, saved first." in kept


def test_use_theirs_shows_the_stored_text_and_keeps_mine_in_history(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.desk.entry is not None, timeout=5000)
    title = window.desk.entry.title
    window.desk.saver._idle.setInterval(60_000)
    window.desk.saver._max_wait.setInterval(60_000)
    window.editor.setFocus()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " A draft of mine.")
    mine = window.editor.toPlainText()
    _update_elsewhere(seeded_db, title, "Their version.")
    qtbot.waitUntil(lambda: window.conflict_bar.isVisible(), timeout=3000)  # noticed by the app
    assert "changed elsewhere" in window.save_state_label.text()
    window.conflict_bar.theirs_button.click()
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "Their version.", timeout=3000)
    assert not window.desk.saver.has_unsaved() and not window.conflict_bar.isVisible()
    kept = _conflict_revisions(seeded_db, title)
    assert mine in kept
    assert _stored_body(seeded_db, title) == "Their version."
