"""Find and replace in the editor: next, previous, replace, replace all, match case."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox, QGridLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QToolButton, QWidget,
)


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
        self.status = QLabel()
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
        grid.addWidget(self.match_case, 0, 3)
        grid.addWidget(self.status, 0, 4)
        grid.addWidget(close, 0, 5)
        grid.addWidget(self.replace_field, 1, 0)
        grid.addWidget(self._replace_button, 1, 1)
        grid.addWidget(self._replace_all_button, 1, 2)
        grid.setColumnStretch(0, 1)

        self.find_field.returnPressed.connect(self.find_next)
        self.find_field.textChanged.connect(self._on_find_field_text_changed)
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
        target = self.replace_field if replace and self.find_field.text() else self.find_field
        target.setFocus()
        target.selectAll()

    def close_bar(self) -> None:
        self.hide()
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
        self.status.setText("")
        self._editor.setTextCursor(found)
        self._editor.centerCursor()
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
        self.status.setText(f"{count} replaced" if count else "Not found")
        return count

    def _on_find_field_text_changed(self, text: str) -> None:
        self.status.setText("")
        if text:  # find as you type, from where the selection starts
            cursor = self._editor.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self._editor.setTextCursor(cursor)
            self._find(backward=False)
