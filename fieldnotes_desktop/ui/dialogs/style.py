"""Small widgets every dialog uses the same way: the inline error line and quiet hint text."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel


def error_label() -> QLabel:
    """A hidden one-sentence error line, in the palette's own warning-ish red."""
    label = QLabel()
    label.setObjectName("dialogError")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b3261e;")
    label.setAccessibleName("Error")
    label.hide()
    return label


def hint_label(text: str = "", wrap: bool = True) -> QLabel:
    """Secondary text in the palette's placeholder colour (unwrapped for a one-line note in a form,
    where a wrapping label is squeezed to a narrow column)."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label
