"""The two small bars of bulk edits: the count of selected entries under the list, and the Undo in the status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

UNDO_OFFER_MS = 15_000  # the Undo stays this long, or until the next bulk edit
NOTE_MS = 6_000


def entries(count: int) -> str:
    """ "1 entry", "12 entries", "1,200 entries"."""
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


class SelectionBar(QWidget):
    """Under the list while several entries are selected: how many, and a menu of what to do to them."""

    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.label = QLabel()
        self.label.setObjectName("bulkCount")
        self.menu = QMenu(self)  # filled as it opens, for the selection of that moment
        self.change_button = QToolButton()
        self.change_button.setObjectName("bulkMenuButton")
        self.change_button.setText("Change")
        self.change_button.setAccessibleName("Change the selected entries")
        self.change_button.setMenu(self.menu)
        self.change_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setAccessibleName("Clear the selection")
        self.clear_button.setAutoRaise(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.change_button)
        row.addWidget(self.clear_button)
        self.clear_button.clicked.connect(self.clear_requested)
        self.hide()

    def show_count(self, count: int) -> None:
        self.label.setText(f"{entries(count)} selected")
        self.setVisible(count > 1)


class UndoNotice(QWidget):
    """"12 entries set to Finished — Undo" in the status bar, for 15 s or until the next bulk edit.

    Apart from Edit ▸ Undo on purpose: that one undoes typing in the editor, this one a change
    made to many entries from the list.
    """

    undo_requested = Signal()
    expired = Signal()  # the offer is gone: there is nothing to undo any more

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkUndoNotice")
        self.label = QLabel()
        self.label.setObjectName("bulkUndoLabel")
        self.undo_button = QToolButton()
        self.undo_button.setObjectName("bulkUndoButton")
        self.undo_button.setText("Undo")
        self.undo_button.setAccessibleName("Undo the change to the entries")
        self.undo_button.setToolTip("Puts the entries back as they were (Edit ▸ Undo undoes typing only)")
        self.undo_button.setAutoRaise(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 8, 0)
        row.setSpacing(4)
        row.addWidget(self.label)
        row.addWidget(self.undo_button)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.undo_button.clicked.connect(self.undo_requested)
        self.hide()

    @property
    def offering(self) -> bool:
        """Undo is on offer (the window itself may be hidden: asked of the widgets, not the screen)."""
        return not self.isHidden() and not self.undo_button.isHidden() and self.undo_button.isEnabled()

    def offer(self, text: str) -> None:
        """Shows what was done, with Undo beside it."""
        self._show(text, with_undo=True, ms=UNDO_OFFER_MS)

    def tell(self, text: str, ms: int = NOTE_MS) -> None:
        """Shows what happened, without Undo (an undo's outcome, nothing to change)."""
        self._show(text, with_undo=False, ms=ms)

    def busy(self) -> None:
        self.undo_button.setEnabled(False)

    def _show(self, text: str, *, with_undo: bool, ms: int) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.undo_button.setVisible(with_undo)
        self.undo_button.setEnabled(True)
        self.show()
        self._timer.start(ms)

    def _on_timer_timeout(self) -> None:
        self.hide()
        self.expired.emit()
