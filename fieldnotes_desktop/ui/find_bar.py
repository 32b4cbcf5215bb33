"""Find and replace in the editor: next, previous, replace, replace all, match case, whole words.

Every match is highlighted and counted ("3 of 12"), up to `MAX_MATCHES`: past that the count
says "5,000+" and only those are marked, so a one-letter search in a book stays quick.
"""

from __future__ import annotations

import bisect
import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTextEdit, QToolButton, QWidget,
)

from fieldnotes_desktop.ui.editor import MarkdownEditor

MAX_MATCHES = 5000
RECOUNT_MS = 200  # after typing in the entry pauses, while the bar is open


class FindBar(QWidget):
    """Sits under the editor; Escape (the window's shortcut) hides it and refocuses the editor."""

    def __init__(self, editor: MarkdownEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._editor = editor
        self.find_field = QLineEdit(placeholderText="Find")
        self.find_field.setObjectName("findField")
        self.find_field.setAccessibleName("Find")
        self.replace_field = QLineEdit(placeholderText="Replace with")
        self.replace_field.setObjectName("replaceField")
        self.replace_field.setAccessibleName("Replace with")
        self.match_case = QCheckBox("Match case")
        self.whole_words = QCheckBox("Whole words")
        self.status = QLabel()
        self.status.setObjectName("findStatus")
        self._matches: list[tuple[int, int]] = []  # (start, end) of each match, in order
        self._capped = False
        self._recount = QTimer(self, singleShot=True, interval=RECOUNT_MS)
        self._recount.timeout.connect(self._count_matches)
        previous = QPushButton("Previous")
        following = QPushButton("Next")
        self._replace_button = QPushButton("Replace")
        self._replace_all_button = QPushButton("Replace all")
        close = QToolButton(autoRaise=True)
        close.setText("✕")
        close.setToolTip("Close (Esc)")

        grid = QGridLayout(self)
        grid.setContentsMargins(12, 6, 12, 6)
        grid.setHorizontalSpacing(6)
        grid.addWidget(self.find_field, 0, 0)
        grid.addWidget(previous, 0, 1)
        grid.addWidget(following, 0, 2)
        grid.addWidget(self.status, 0, 3)
        grid.addWidget(close, 0, 4)
        options = QHBoxLayout()  # a row of their own: beside the field they squeezed it to a word
        options.setSpacing(14)
        options.addWidget(self.match_case)
        options.addWidget(self.whole_words)
        options.addStretch(1)
        grid.addLayout(options, 1, 0, 1, 5)
        grid.addWidget(self.replace_field, 2, 0)
        grid.addWidget(self._replace_button, 2, 1)
        grid.addWidget(self._replace_all_button, 2, 2)
        grid.setColumnStretch(0, 1)
        self.status.setMinimumWidth(self.status.fontMetrics().horizontalAdvance("5,000 of 5,000+"))

        self.find_field.returnPressed.connect(self.find_next)
        self.find_field.textChanged.connect(self._on_find_field_text_changed)
        self.match_case.toggled.connect(self._count_matches)
        self.whole_words.toggled.connect(self._count_matches)
        editor.textChanged.connect(self._on_editor_text_changed)
        editor.verticalScrollBar().valueChanged.connect(self._on_editor_scrolled)
        self.replace_field.returnPressed.connect(self.replace_one)
        previous.clicked.connect(self.find_previous)
        following.clicked.connect(self.find_next)
        self._replace_button.clicked.connect(self.replace_one)
        self._replace_all_button.clicked.connect(self.replace_all)
        close.clicked.connect(self.close_bar)
        self.hide()

    def open_find(self, replace: bool = False) -> None:
        selected = self._editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_field.setText(selected)
        for widget in (self.replace_field, self._replace_button, self._replace_all_button):
            widget.setVisible(replace)
        self.show()
        self._count_matches()
        target = self.replace_field if replace and self.find_field.text() else self.find_field
        target.setFocus()
        target.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self._recount.stop()
        self._matches, self._capped = [], False
        self._editor.set_marks("find", [])
        self._editor.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def _flags(self, backward: bool = False) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if self.match_case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if self.whole_words.isChecked():
            flags |= QTextDocument.FindFlag.FindWholeWords
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        return flags

    def find_next(self) -> bool:
        return self._find(backward=False)

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _find(self, backward: bool) -> bool:
        needle = self.find_field.text()
        if not needle:
            return False
        document = self._editor.document()
        found = document.find(needle, self._editor.textCursor(), self._flags(backward))
        if found.isNull():  # wrap around, as every editor does
            start = QTextCursor(document)
            if backward:
                start.movePosition(QTextCursor.MoveOperation.End)
            found = document.find(needle, start, self._flags(backward))
        if found.isNull():
            self.status.setText("Not found")
            return False
        self._editor.setTextCursor(found)
        self._editor.centerCursor()
        self._show_place()
        return True

    def _selection_matches(self) -> bool:
        selected = self._editor.textCursor().selectedText()
        needle = self.find_field.text()
        if self.match_case.isChecked():
            return selected == needle
        return selected.casefold() == needle.casefold()

    def replace_one(self) -> None:
        # A QTextCursor edits even a read-only document (an entry in the trash): guard here.
        if self._editor.isReadOnly():
            return
        if self.find_field.text() and self._selection_matches():
            self._editor.textCursor().insertText(self.replace_field.text())
        self.find_next()

    def replace_all(self) -> int:
        needle = self.find_field.text()
        if not needle or self._editor.isReadOnly():
            return 0
        document = self._editor.document()
        edit = QTextCursor(document)
        edit.beginEditBlock()  # one undo step for the whole replacement
        count = 0
        found = document.find(needle, 0, self._flags())
        while not found.isNull():
            found.insertText(self.replace_field.text())
            count += 1
            found = document.find(needle, found, self._flags())
        edit.endEditBlock()
        self._count_matches()
        self.status.setText(f"{count:,} replaced" if count else "Not found")
        return count

    # -- every match --------------------------------------------------------------------------

    def _count_matches(self) -> None:
        """Counts every match (up to `MAX_MATCHES`) in the text, then marks those in view.

        One regular expression over the text, not a `QTextDocument.find` per match: 5,000 of
        those, each match a tracked cursor, stalled a book-length entry for 0.7 s.
        """
        self._recount.stop()
        needle = self.find_field.text()
        matches: list[tuple[int, int]] = []
        self._capped = False
        if needle and self.isVisible():
            for found in self._pattern(needle).finditer(self._editor.toPlainText()):
                if len(matches) == MAX_MATCHES:
                    self._capped = True
                    break
                matches.append(found.span())
        self._matches = matches
        self._mark_visible()
        self._show_place()

    def _pattern(self, needle: str) -> re.Pattern[str]:
        pattern = re.escape(needle)
        if self.whole_words.isChecked():
            pattern = rf"(?<!\w){pattern}(?!\w)"
        return re.compile(pattern, 0 if self.match_case.isChecked() else re.IGNORECASE)

    def _mark_visible(self) -> None:
        """Marks the matches on screen only; scrolling marks the next ones."""
        if not self._matches:
            self._editor.set_marks("find", [])
            return
        editor = self._editor
        first = editor.firstVisibleBlock()
        last = editor.cursorForPosition(editor.viewport().rect().bottomRight()).block()
        start, end = first.position(), last.position() + last.length()
        low = bisect.bisect_left(self._matches, (start, start))
        high = bisect.bisect_left(self._matches, (end, end))
        color = QColor(editor.palette().highlight().color())
        color.setAlpha(70)
        mark = QTextCharFormat()
        mark.setBackground(color)
        selections = []
        for at, until in self._matches[low:high]:
            cursor = QTextCursor(editor.document())
            cursor.setPosition(at)
            cursor.setPosition(until, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor  # set whole: PySide hands back copies of its parts
            selection.format = mark
            selections.append(selection)
        editor.set_marks("find", selections)

    def _show_place(self) -> None:
        """`3 of 12` when the selection is a match, `12 matches` when it is not, or `Not found`."""
        if not self.find_field.text():
            self.status.setText("")
            return
        total = f"{len(self._matches):,}{'+' if self._capped else ''}"
        if not self._matches:
            self.status.setText("Not found")
            return
        cursor = self._editor.textCursor()
        here = (cursor.selectionStart(), cursor.selectionEnd())
        at = bisect.bisect_left(self._matches, here)
        if at < len(self._matches) and self._matches[at] == here:
            self.status.setText(f"{at + 1:,} of {total}")
        else:
            self.status.setText(f"{total} {'match' if total == '1' else 'matches'}")

    def _on_editor_scrolled(self, _value: int) -> None:
        if self.isVisible() and self._matches:
            self._mark_visible()

    def _on_editor_text_changed(self) -> None:
        if self.isVisible() and self.find_field.text():
            self._recount.start()

    def _on_find_field_text_changed(self, text: str) -> None:
        self._count_matches()
        if text:  # find as you type, from where the selection starts
            cursor = self._editor.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self._editor.setTextCursor(cursor)
            self._find(backward=False)
