"""Opens the history, export, site and about dialogs; imported on first use to keep start-up quick."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog

from fieldnotes_desktop.records import Entry
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.operations import OperationRunner


class DialogLauncher:
    def __init__(self, services: Services, runner: OperationRunner) -> None:
        self._services = services
        self._runner = runner
        self.last_dialog: QDialog | None = None  # tests drive the dialog they opened

    def open(self, which: str, window: Any, entry: Entry | None = None) -> QDialog:
        from fieldnotes_desktop.ui import dialogs

        services, runner = self._services, self._runner
        dialog: QDialog
        if which == "history" and entry is not None:
            dialog = dialogs.RevisionsDialog(services, runner, entry.id, window.metadata.title.text(),
                                             window.editor.toPlainText(), window)
            dialog.revision_restored.connect(window.desk.apply_restored)
        elif which == "export":
            dialog = dialogs.ExportDialog(services, window, default_dir=_default_export_dir(services))
        elif which == "backups":
            dialog = dialogs.RestoreBackupDialog(services, runner, window)
            dialog.restored.connect(window.after_restore)
        elif which == "site":
            dialog = dialogs.SiteSettingsDialog(services, runner, window)
            dialog.site_changed.connect(lambda _site: window.desk.refresh_preview())
        else:
            dialog = dialogs.AboutDialog(window)
        self.last_dialog = dialog
        dialog.open()
        return dialog


def _default_export_dir(services: Services) -> Path:
    return services.db_path.parent / "site"
