"""What a window shows cut short: labels, filter buttons and combo boxes narrower than their text."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QToolButton, QWidget


def cut_short(window: QWidget, entry_list: QWidget) -> list[str]:
    """The texts of the visible labels of `window`, and buttons and combos of `entry_list`, that do not fit."""
    cut = []
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.text() and not label.wordWrap() and "<" not in label.text():
            if label.width() < label.fontMetrics().horizontalAdvance(label.text()):
                cut.append(label.text())
    for button in entry_list.findChildren(QToolButton):
        if button.isVisible() and button.text() and button.width() < button.sizeHint().width():
            cut.append(button.text())
    for combo in entry_list.findChildren(QComboBox):
        shown = combo.currentText()
        if combo.isVisible() and combo.width() < combo.fontMetrics().horizontalAdvance(shown) + 20:
            cut.append(shown)
    return cut
