"""The About box: what the app is, its version and its licence."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from fieldnotes_desktop import __version__
from fieldnotes_desktop.ui.dialogs.style import hint_label

APP_NAME = "Field Notes Desktop"
DESCRIPTION = (
    "An offline desk for writers who publish a blog: entries kept in one local file, "
    "a Markdown editor beside the page exactly as it will be published, "
    "and a static site exported in one step."
)
LICENCE = "MIT License"


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.setMinimumWidth(420)

        name = QLabel(APP_NAME)
        font = name.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        name.setFont(font)
        version = QLabel(f"Version {__version__}")
        version.setObjectName("aboutVersion")
        description = QLabel(DESCRIPTION)
        description.setWordWrap(True)
        licence = QLabel(f"Released under the {LICENCE}.")
        licence.setObjectName("aboutLicence")
        built = hint_label(f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}")
        for label in (name, version, description, licence, built):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(name)
        layout.addWidget(version)
        layout.addSpacing(6)
        layout.addWidget(description)
        layout.addWidget(licence)
        layout.addWidget(built)
        layout.addSpacing(6)
        layout.addWidget(buttons)
