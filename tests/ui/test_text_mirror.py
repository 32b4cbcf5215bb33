"""The editor's mirrored lines stay what `toPlainText()` says, and its edits rebuild the same text."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.export import demote_headings
from fieldnotes_desktop.render import SectionRenderer
from fieldnotes_desktop.ui.editor import MarkdownEditor
from fieldnotes_desktop.ui.highlighter import LAZY_BLOCKS
from fieldnotes_desktop.ui.preview.live_document import LiveDocument
from fieldnotes_desktop.ui.text_mirror import TextMirror

START = "# Notes\n\nThe first line.\n\n```\ncode\n```\n\n## More\n\nLast words.\n"
PIECES = ["a", "\n", "word ", "two\nlines\n", "```\n", "# H\n", "\u00a0", "", "\n\n\n"]


def test_random_edits_keep_the_mirror_and_the_preview_document_in_step(qtbot) -> None:
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    mirror = TextMirror(editor.document())
    live = LiveDocument(SectionRenderer(), demote_headings)
    mirror.replaced.connect(lambda: live.load(mirror.text))
    mirror.edited.connect(live.edit)
    editor.set_text(START)
    rng = random.Random(7)
    for step in range(300):
        cursor = QTextCursor(editor.document())
        length = editor.document().characterCount() - 1
        cursor.setPosition(rng.randrange(length + 1))
        if rng.random() < 0.3:
            cursor.setPosition(min(length, cursor.position() + rng.randrange(12)), QTextCursor.MoveMode.KeepAnchor)
        if step % 37 == 36:
            editor.undo()
        else:
            cursor.insertText(rng.choice(PIECES))
        plain = editor.toPlainText()
        assert mirror.text == plain
        assert live.text == plain
    whole = LiveDocument(SectionRenderer(), demote_headings)
    whole.load(mirror.text)
    assert live.html() == whole.html()


def test_shift_enter_types_a_plain_new_line(qtbot) -> None:
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    mirror = TextMirror(editor.document())
    editor.set_text("one")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "two")
    assert "\u2028" not in editor.document().toRawText()
    assert mirror.text == editor.toPlainText() == "one\ntwo"
    assert mirror.line_count == editor.document().blockCount() == 2


def test_a_pasted_line_separator_makes_the_mirror_read_the_whole_text(qtbot) -> None:
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    mirror = TextMirror(editor.document())
    rereads: list[bool] = []
    mirror.replaced.connect(lambda: rereads.append(True))
    editor.set_text("first\nsecond")
    rereads.clear()
    editor.textCursor().insertText("a\u2028b")
    assert rereads and mirror.text == editor.toPlainText()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.textCursor().insertText("!")
    assert mirror.text == editor.toPlainText()


def test_a_long_text_gets_its_formats_as_it_comes_into_view(qtbot) -> None:
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    editor.resize(600, 400)
    editor.show()
    chapter = "# Heading\n\nSome *emphasis* and `code`.\n\n```\n# not a heading\n```\n\n"
    text = chapter * (LAZY_BLOCKS // 8 + 50)
    editor.set_text(text)
    document = editor.document()
    assert document.firstBlock().layout().formats(), "the block on screen has its formats at once"
    end = document.lastBlock().previous().previous()  # the fence's inner line
    assert not end.layout().formats() and end.userData() is None
    editor.verticalScrollBar().setValue(editor.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: bool(end.layout().formats()), timeout=5000)
    reference = MarkdownEditor()
    qtbot.addWidget(reference)
    reference.highlighter.begin_load("")  # all of it at once
    reference.setPlainText(text)
    for number in (0, 5, document.blockCount() - 3):
        mine = document.findBlockByNumber(number)
        theirs = reference.document().findBlockByNumber(number)
        assert mine.userState() == theirs.userState()
        assert [(f.start, f.length, f.format.foreground().color().name()) for f in mine.layout().formats()] == [
            (f.start, f.length, f.format.foreground().color().name()) for f in theirs.layout().formats()
        ]
