"""The bar above the text when another writer changed the entry: compare, keep mine, or use theirs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from fieldnotes_desktop.errors import EntryConflict


class ConflictBar(QWidget):
    """Hidden until a conflict; the writer's text stays in the editor whatever they choose."""

    compare_requested = Signal()
    keep_mine_requested = Signal()
    use_theirs_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictBar")
        self.setAccessibleName("Changed elsewhere")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.compare_button = QPushButton("Compare…")
        self.keep_button = QPushButton("Keep Mine")
        self.keep_button.setToolTip("Save your text; the other one is kept in the History")
        self.theirs_button = QPushButton("Use Theirs")
        self.theirs_button.setToolTip("Show the stored text; yours is kept in the History")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.label, 1)
        for button in (self.compare_button, self.keep_button, self.theirs_button):
            row.addWidget(button)
        self.compare_button.clicked.connect(self.compare_requested)
        self.keep_button.clicked.connect(self.keep_mine_requested)
        self.theirs_button.clicked.connect(self.use_theirs_requested)
        self.conflict: EntryConflict | None = None
        self.hide()

    def show_conflict(self, conflict: EntryConflict) -> None:
        self.conflict = conflict
        self.label.setText(
            "This entry was changed elsewhere (by another writer, another window or the command line) "
            "while you wrote. "
            "Your text is on screen and not saved yet; nothing is lost whichever you keep."
        )
        self.show()

    def clear(self) -> None:
        self.conflict = None
        self.hide()
