"""The questions the window asks when something stands in the writer's way: unsaved text at quit, a damaged file."""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    from fieldnotes_desktop.services.maintenance import IntegrityReport


class QuitChoice(enum.Enum):
    RETRY = "retry"
    DISCARD = "discard"
    CANCEL = "cancel"


def ask_unsaved_on_quit(parent: QWidget, reason: str) -> QuitChoice:
    """The last changes could not be written: the writer decides, text is never dropped silently."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Changes not saved",
                      f"Your latest changes could not be saved: {reason}\n\n"
                      "Try again, or keep the window open and copy your text somewhere safe.",
                      parent=parent)
    retry = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep the window open", QMessageBox.ButtonRole.RejectRole)
    discard = box.addButton("Quit without saving", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(retry)
    box.exec()
    if box.clickedButton() is retry:
        return QuitChoice.RETRY
    if box.clickedButton() is discard:
        return QuitChoice.DISCARD
    return QuitChoice.CANCEL


def damage_notice(parent: QWidget, db_path: Path, report: IntegrityReport,
                  restore: Callable[[], None]) -> QMessageBox:
    """Says the file failed its check at open and offers the latest backup; shown, not waited on."""
    problem = report.problems[0] if report.problems else "the check found damage"
    box = QMessageBox(QMessageBox.Icon.Critical, "The database is damaged",
                      f"{db_path} failed its integrity check ({problem}).\n\n"
                      "Restore the latest backup to be safe; the damaged file is kept aside first. "
                      "In a terminal, fieldnotes doctor tells more.", parent=parent)
    restore_button = box.addButton("Restore from Backup…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep Working", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore_button)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def clicked(button: object) -> None:
        if button is restore_button:
            restore()

    box.buttonClicked.connect(clicked)
    box.open()
    return box
