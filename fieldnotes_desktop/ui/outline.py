"""The outline: the open entry's headings beside the text, following the cursor; a click jumps there.

Read from the editor's own lines a moment after typing pauses, and only while it is shown:
a book of 30,000 lines is read in a few milliseconds, never per keystroke.
"""

from __future__ import annotations

import bisect
import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPlainTextEdit, QWidget

READ_AFTER_MS = 300
WIDTH = 220
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def headings(editor: QPlainTextEdit) -> list[tuple[int, int, str]]:
    """(line, level, text) of each ATX heading, front matter and fenced code left out (a `# comment`
    is not one)."""
    found = []
    fence: str | None = None
    block = editor.document().firstBlock()
    if block.text().rstrip() == "---":  # front matter: its `# comment` lines are YAML
        block = block.next()
        while block.isValid() and block.text().rstrip() not in ("---", "..."):
            block = block.next()
        block = block.next()
    while block.isValid():
        line = block.text()
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
        elif opened:
            fence = opened.group(1)
        else:
            heading = _HEADING.match(line)
            if heading:
                found.append((block.blockNumber(), len(heading.group(1)), heading.group(2)))
        block = block.next()
    return found


class Outline(QListWidget):
    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outline")
        self.setAccessibleName("Outline")
        self.setFixedWidth(WIDTH)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._editor = editor
        self._lines: list[int] = []  # each heading's line, in order
        self._read = QTimer(self, singleShot=True, interval=READ_AFTER_MS)
        self._read.timeout.connect(self.read)
        editor.textChanged.connect(self._on_editor_text_changed)
        editor.cursorPositionChanged.connect(self.follow)
        self.itemClicked.connect(self._on_item_clicked)
        self.hide()

    def set_shown(self, on: bool) -> None:
        self.setVisible(on)
        if on:
            self.read()

    def read(self) -> None:
        self._read.stop()
        found = headings(self._editor)
        self._lines = [line for line, _level, _text in found]
        self.blockSignals(True)
        self.clear()
        top = min((level for _line, level, _text in found), default=1)  # an entry's parts are often ##
        for line, level, text in found:
            item = QListWidgetItem(("    " * (level - top)) + text)
            item.setData(Qt.ItemDataRole.UserRole, line)
            item.setToolTip(text)
            self.addItem(item)
        self.blockSignals(False)
        self.follow()

    def follow(self) -> None:
        """Selects the heading of the part the cursor is in."""
        if not self.isVisible() or not self._lines:
            return
        line = self._editor.textCursor().blockNumber()
        at = bisect.bisect_right(self._lines, line) - 1
        if at < 0:
            self.clearSelection()
            return
        if self.currentRow() != at:
            self.blockSignals(True)
            self.setCurrentRow(at)
            self.blockSignals(False)

    def _on_editor_text_changed(self) -> None:
        if self.isVisible():
            self._read.start()

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        go_to_line(self._editor, int(item.data(Qt.ItemDataRole.UserRole)))


def go_to_line(editor: QPlainTextEdit, line: int) -> bool:
    """Puts the cursor at the start of `line` (0-based), in the middle of the view, and the focus in
    the editor; False when the text has no such line. The outline and the pre-publish checks jump so."""
    block = editor.document().findBlockByNumber(line)
    if not block.isValid():
        return False
    editor.setTextCursor(QTextCursor(block))
    editor.centerCursor()
    editor.setFocus()
    return True
