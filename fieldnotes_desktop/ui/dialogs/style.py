"""Small widgets every dialog uses the same way: the inline error line, quiet hint text, failures shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from fieldnotes_desktop.errors import FieldnotesError


def error_label() -> QLabel:
    """A hidden one-sentence error line, in the theme's red (`#dialogError` in ui/theme.py)."""
    label = QLabel()
    label.setObjectName("dialogError")
    label.setWordWrap(True)
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


def show_failure(error_line: QLabel, error: BaseException, unexpected: Callable[[BaseException], None]) -> None:
    """Ours is one sentence in the dialog's error line; anything else goes to the app's one presenter."""
    if isinstance(error, FieldnotesError):
        error_line.setText(error.message)
        error_line.show()
    else:
        unexpected(error)
