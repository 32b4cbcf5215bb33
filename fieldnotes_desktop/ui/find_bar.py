"""Find and replace in the editor: next, previous, replace, replace all, match case, whole words.

Every match is highlighted and counted ("3 of 12"), up to `MAX_MATCHES`: past that the count
says "5,000+" and only those are marked, so a one-letter search in a book stays quick.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTextEdit, QToolButton, QWidget,
)

MAX_MATCHES = 5000
RECOUNT_MS = 200  # after typing in the entry pauses, while the bar is open


class FindBar(QWidget):
    """Sits under the editor; Escape (the window's shortcut) hides it and refocuses the editor."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
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
        self._set_marks([])
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
        """Finds and marks every match (up to `MAX_MATCHES`), then says where the selection is."""
        self._recount.stop()
        needle = self.find_field.text()
        matches: list[tuple[int, int]] = []
        if needle and self.isVisible():
            document = self._editor.document()
            found = document.find(needle, 0, self._flags())
            while not found.isNull() and len(matches) < MAX_MATCHES:
                matches.append((found.selectionStart(), found.selectionEnd()))
                found = document.find(needle, found, self._flags())
            self._capped = not found.isNull()
        self._matches = matches
        self._set_marks(self._marks(matches))
        self._show_place()

    def _marks(self, matches: list[tuple[int, int]]) -> list[QTextEdit.ExtraSelection]:
        color = QColor(self._editor.palette().highlight().color())
        color.setAlpha(70)
        mark = QTextCharFormat()
        mark.setBackground(color)
        document = self._editor.document()
        selections = []
        for start, end in matches:
            cursor = QTextCursor(document)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor  # set whole: PySide hands back copies of its parts
            selection.format = mark
            selections.append(selection)
        return selections

    def _set_marks(self, marks: list[QTextEdit.ExtraSelection]) -> None:
        set_marks = getattr(self._editor, "set_marks", None)  # the app's editor shares its marks
        if set_marks is not None:
            set_marks("find", marks)
        else:
            self._editor.setExtraSelections(marks)

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
