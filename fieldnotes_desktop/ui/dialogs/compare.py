"""Compares the writer's text with the one stored meanwhile by someone else."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from fieldnotes_desktop.ui.dialogs.diffing import delta_label, diff_html, word_changes
from fieldnotes_desktop.ui.dialogs.style import hint_label
from fieldnotes_desktop.ui.tasks import ComputeLane


class CompareDialog(QDialog):
    """From the stored text to mine: what keeping mine would change. The diff is made on the compute lane."""

    def __init__(self, compute: ComputeLane, stored: str, mine: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle("Compare with the Stored Text")
        self.resize(860, 600)
        self.summary = hint_label("Comparing…")
        self.diff_view = QTextBrowser()
        self.diff_view.setObjectName("compareDiff")
        self.diff_view.setAccessibleName("Difference between the stored text and yours")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.diff_view, 1)
        layout.addWidget(buttons)
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        compute.submit(f"compare-{id(self)}",
                       lambda: (word_changes(stored, mine), diff_html(stored, mine, dark=dark)),
                       self._on_compared)

    def _on_compared(self, result: tuple[tuple[int, int], str]) -> None:
        (added, removed), html = result
        change = "the same words" if not added and not removed else delta_label(added, removed)
        self.summary.setText(f"From the text stored elsewhere to yours: {change}")
        self.diff_view.setHtml(html)
