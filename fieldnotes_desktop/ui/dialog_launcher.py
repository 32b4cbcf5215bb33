"""Opens the history, export, import, publish, checks, site, backup and about dialogs, each with exactly what it needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from fieldnotes_desktop.records import Entry, ImportReport, SiteProfile
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.tasks import Tasks

if TYPE_CHECKING:
    from fieldnotes_desktop.records import Finding
    from fieldnotes_desktop.services.maintenance import BackupInfo
    from fieldnotes_desktop.services.site_publish import PublishReport
    from fieldnotes_desktop.ui.dialogs.checks import ChecksDialog
    from fieldnotes_desktop.ui.dialogs.publish import PublishDialog


class DialogLauncher:
    """Built by the composition root beside the window; the window asks for dialogs by name.

    The dialogs module is imported on first use, to keep start-up quick.
    """

    def __init__(
        self,
        services: Services,
        tasks: Tasks,
        settings: QSettings,
        parent: QWidget,
        *,
        on_revision_restored: Callable[[Entry], None],
        on_site_changed: Callable[[SiteProfile], None],
        on_backup_restored: Callable[[BackupInfo, Path], None],
    ) -> None:
        self._services = services
        self._tasks = tasks
        self._settings = settings
        self._parent = parent
        self._on_revision_restored = on_revision_restored
        self._on_site_changed = on_site_changed
        self._on_backup_restored = on_backup_restored
        self.last_dialog: QDialog | None = None  # tests drive the dialog they opened
        # Not modal, so one of each: asked again, the one open comes to the front.
        self._publish: PublishDialog | None = None
        self._checks: ChecksDialog | None = None

    def history(self, entry_id: int, title: str, body: str) -> QDialog:
        from fieldnotes_desktop.ui.dialogs import RevisionsDialog

        dialog = RevisionsDialog(self._services, self._tasks, entry_id, title, body, self._parent)
        dialog.revision_restored.connect(self._on_revision_restored)
        return self._show(dialog)

    def export(self) -> QDialog:
        from fieldnotes_desktop.ui.dialogs import ExportDialog

        default = default_export_dir(self._services.db_path)
        return self._show(ExportDialog(self._services, self._tasks, self._settings, self._parent, default_dir=default))

    def markdown_export(self) -> QDialog:
        from fieldnotes_desktop.ui.dialogs.markdown_export import MarkdownExportDialog

        default = self._services.db_path.parent / "markdown"
        return self._show(MarkdownExportDialog(self._services, self._tasks, self._settings, self._parent,
                                               default_dir=default))

    def publish(self, flush_edits: Callable[[], None], on_finding: Callable[[Finding], None],
                on_published: Callable[[PublishReport], None]) -> QDialog:
        from fieldnotes_desktop.ui.dialogs.publish import PublishDialog

        dialog = self._publish
        if dialog is None:
            dialog = PublishDialog(self._services, self._tasks, self._parent, flush_edits=flush_edits)
            dialog.finding_activated.connect(on_finding)
            dialog.published.connect(on_published)
            self._publish = dialog
        return self._show_beside(dialog, dialog.start)

    def checks(self, flush_edits: Callable[[], None], on_finding: Callable[[Finding], None]) -> QDialog:
        from fieldnotes_desktop.ui.dialogs.checks import ChecksDialog

        dialog = self._checks
        if dialog is None:
            services = self._services
            dialog = ChecksDialog(lambda: services.checks.run(), self._tasks, flush_edits, self._parent)
            dialog.finding_activated.connect(on_finding)
            self._checks = dialog
        return self._show_beside(dialog, dialog.start)

    def site(self) -> QDialog:
        from fieldnotes_desktop.ui.dialogs import SiteSettingsDialog

        dialog = SiteSettingsDialog(self._services, self._tasks, self._parent)
        dialog.site_changed.connect(self._on_site_changed)
        return self._show(dialog)

    def backups(self) -> QDialog:
        from fieldnotes_desktop.ui.dialogs import RestoreBackupDialog

        dialog = RestoreBackupDialog(self._services, self._tasks, self._parent)
        dialog.restored.connect(self._on_backup_restored)
        return self._show(dialog)

    def import_entries(self, on_imported: Callable[[ImportReport], None]) -> QDialog:
        from fieldnotes_desktop.ui.dialogs.import_preview import ImportDialog

        dialog = ImportDialog(self._services.imports, self._tasks.jobs, self._parent)
        dialog.imported.connect(on_imported)
        return self._show(dialog)

    def compare(self, stored: str, mine: str) -> QDialog:
        from fieldnotes_desktop.ui.dialogs.compare import CompareDialog

        return self._show(CompareDialog(self._tasks.compute, stored, mine, self._parent))

    def cheat_sheet(self) -> QDialog:
        from fieldnotes_desktop.ui.dialogs.help import HelpDialog, cheat_sheet_html

        return self._show(HelpDialog("Markdown cheat sheet", cheat_sheet_html(), self._parent))

    def shortcuts(self, commands: list[QAction]) -> QDialog:
        from fieldnotes_desktop.ui.dialogs.help import HelpDialog, shortcuts_html

        return self._show(HelpDialog("Keyboard shortcuts", shortcuts_html(commands), self._parent))

    def about(self) -> QDialog:
        from fieldnotes_desktop.ui.dialogs import AboutDialog

        return self._show(AboutDialog(self._parent))

    def _show_beside(self, dialog: QDialog, start: Callable[[], None]) -> QDialog:
        """Shown without blocking the window (a finding is fixed in the editor while it stays);
        started afresh unless it is open already."""
        self.last_dialog = dialog
        if not dialog.isVisible():
            start()
            dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _show(self, dialog: QDialog) -> QDialog:
        self.last_dialog = dialog
        dialog.open()
        return dialog


def default_export_dir(db_path: Path) -> Path:
    """The first export goes beside the database; later ones where the writer chose."""
    return db_path.parent / "site"
