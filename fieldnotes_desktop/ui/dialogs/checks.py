"""File ▸ Check Before Publishing: the checks panel on its own, beside the window, not modal."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from fieldnotes_desktop.records import Finding
from fieldnotes_desktop.ui.checks_panel import ChecksPanel
from fieldnotes_desktop.ui.tasks import Tasks


class ChecksDialog(QDialog):
    """Runs the checks each time it is shown; a finding activated opens its entry, the dialog stays."""

    finding_activated = Signal(object)  # Finding

    def __init__(self, run_checks: Callable[[], Sequence[Finding]], tasks: Tasks,
                 flush_edits: Callable[[], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checksDialog")
        self.setAccessibleName("Check before publishing")
        self.setWindowTitle("Check Before Publishing")
        self.setModal(False)
        self.resize(680, 420)
        self.panel = ChecksPanel(run_checks, tasks, flush_edits)
        self.panel.finding_activated.connect(self.finding_activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)

    def start(self) -> None:
        self.panel.run_checks()
