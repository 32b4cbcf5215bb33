"""An entry's word goal and language in the metadata panel, and today's words in the status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt

from stored import stored_entry as _stored


def _saved(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.desk.saver.save_now()
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)


def test_a_word_goal_is_shown_against_the_count_and_kept(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    entry = window.desk.entry
    window.metadata.word_goal.setValue(1000)
    assert window.word_count_label.text() == f"{entry.words} of 1,000 words · 1 min read"
    _saved(qtbot, window)
    assert _stored(seeded_db, entry.id).word_goal == 1000
    window.metadata.word_goal.setValue(5)  # reached
    assert window.word_count_label.text().startswith(f"{entry.words} of 5 words ✓")
    window.metadata.word_goal.setValue(0)  # "none"
    assert window.metadata.word_goal.text() == "none"
    assert window.word_count_label.text() == f"{entry.words} words · 1 min read"
    _saved(qtbot, window)
    assert _stored(seeded_db, entry.id).word_goal is None


def test_the_goal_and_language_follow_the_entry_opened(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    first = window.desk.entry
    window.metadata.word_goal.setValue(600)
    window.metadata.language.setEditText("de")
    window.metadata.language.lineEdit().editingFinished.emit()
    _saved(qtbot, window)
    other = next(s for r in range(3) if (s := window.entry_list.model.summary_at(r)).id != first.id)
    window.desk.open_entry(other.id)
    qtbot.waitUntil(lambda: window.desk.entry is not None and window.desk.entry.id == other.id, timeout=5000)
    assert window.metadata.word_goal.text() == "none"
    assert window.metadata.language.currentText() == ""
    window.desk.open_entry(first.id)
    qtbot.waitUntil(lambda: window.desk.entry is not None and window.desk.entry.id == first.id, timeout=5000)
    assert window.metadata.word_goal.value() == 600
    assert window.metadata.language.currentText() == "de"
    assert _stored(seeded_db, first.id).language == "de"


def test_words_typed_today_show_in_the_status_bar_once_saved(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.today_label.text() == "0 words today", timeout=5000)
    window.editor.setFocus()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, " Then the wind dropped and we slept")
    _saved(qtbot, window)
    qtbot.waitUntil(lambda: window.today_label.text() == "7 words today", timeout=5000)
    for _ in range(4):  # "slept", "we", "and", "dropped": deleted words count against
        qtbot.keyClick(window.editor, Qt.Key.Key_Backspace, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText().endswith("Then the wind ")
    _saved(qtbot, window)
    qtbot.waitUntil(lambda: window.today_label.text() == "3 words today", timeout=5000)
