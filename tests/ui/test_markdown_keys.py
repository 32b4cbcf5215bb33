"""Markdown by key in the real editor: emphasis, links and code around the selection, lists that go on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication


def editor_with(window, text: str, start: int, end: int | None = None):  # type: ignore[no-untyped-def]
    editor = window.editor
    editor.set_text(text)
    cursor = editor.textCursor()
    cursor.setPosition(start)
    if end is not None:
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    editor.setFocus()
    return editor


def test_bold_italic_and_code_go_around_the_selection_and_come_off_again(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    editor = editor_with(window, "The ridge was steep.", 4, 9)
    window.commands.bold.trigger()
    assert editor.toPlainText() == "The **ridge** was steep."
    assert editor.textCursor().selectedText() == "ridge"
    window.commands.bold.trigger()  # again: the markers come off
    assert editor.toPlainText() == "The ridge was steep."
    window.commands.italic.trigger()
    assert editor.toPlainText() == "The *ridge* was steep."
    editor.undo()
    assert editor.toPlainText() == "The ridge was steep."  # one step
    editor = editor_with(window, editor.toPlainText(), 4, 9)
    window.commands.code.trigger()
    assert editor.toPlainText() == "The `ridge` was steep."


def test_the_keys_reach_the_commands_from_the_editor(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    editor = editor_with(window, "one two", 4, 7)
    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "one **two**"
    qtbot.keyClick(editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "one **[two](https://)**"
    assert editor.textCursor().selectedText() == "https://"  # the address, to type over
    qtbot.keyClicks(editor, "https://example.org/ridge")
    assert editor.toPlainText() == "one **[two](https://example.org/ridge)**"


def test_a_selected_address_becomes_the_link_and_lines_become_a_fenced_block(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    editor = editor_with(window, "See https://example.org now", 4, 23)
    window.commands.link.trigger()
    assert editor.toPlainText() == "See [](https://example.org) now"
    assert editor.textCursor().position() == 5  # in the brackets, for the words
    editor = editor_with(window, "x = 1\ny = 2", 0, 11)
    window.commands.code.trigger()
    assert editor.toPlainText() == "```\nx = 1\ny = 2\n```"


def test_enter_continues_a_list_counts_on_and_ends_on_an_empty_item(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    editor = editor_with(window, "- snow", 6)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "ice")
    assert editor.toPlainText() == "- snow\n- ice"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # on the empty item: the list ends
    assert editor.toPlainText() == "- snow\n- ice\n"
    cases = [  # (text, where Enter is pressed, the text after)
        ("9. pack\n", 7, "9. pack\n10. \n"),  # numbers count on
        ("- [x] tent", 10, "- [x] tent\n- [ ] "),  # a done task starts open
        ("> The wind", 10, "> The wind\n> "),
        ("Plain words", 11, "Plain words\n"),  # not a list: a plain new line
    ]
    for text, at, after in cases:
        editor = editor_with(window, text, at)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        assert editor.toPlainText() == after


def test_tab_nests_a_list_item_and_shift_tab_brings_it_back(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    editor = editor_with(window, "- snow\n- ice", 10)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "- snow\n  - ice"
    assert editor.hasFocus()  # Tab stayed in the editor
    qtbot.keyClick(editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert editor.toPlainText() == "- snow\n- ice"
    editor = editor_with(window, "Prose", 5)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "Prose\t"  # not an item: a tab, as before


def test_edit_cut_copy_paste_and_select_all_act_where_the_focus_is(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    editor = editor_with(window, "alpha beta", 0, 5)
    window.commands.copy.trigger()
    assert QApplication.clipboard().text() == "alpha"
    window.commands.select_all.trigger()
    assert editor.textCursor().selectedText() == "alpha beta"
    window.commands.cut.trigger()
    assert editor.toPlainText() == ""
    window.commands.paste.trigger()
    assert editor.toPlainText() == "alpha beta"
    title = window.metadata.title
    title.setFocus()
    title.selectAll()
    window.commands.copy.trigger()
    assert QApplication.clipboard().text() == title.text()
