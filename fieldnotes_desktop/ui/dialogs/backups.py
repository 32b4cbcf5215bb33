"""File ▸ Restore from backup…: the kept backups, newest first, and putting one back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.maintenance import BackupInfo
from fieldnotes_desktop.ui.dialogs.style import error_label, hint_label, show_failure
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks

_PATH_ROLE = Qt.ItemDataRole.UserRole
KINDS = {
    "daily": "Daily",
    "manual": "Made on request",
    "before-upgrade": "Before an upgrade",
    "before-restore": "Before a restore",
}


def describe_size(size: int) -> str:
    for unit, step in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= step:
            return f"{size / step:.1f} {unit}"
    return f"{size} bytes"


def describe_moment(moment: dt.datetime) -> str:
    local = moment.astimezone() if moment.tzinfo else moment
    return f"{local:%A}, {local:%B} {local.day}, {local.year} at {local:%H:%M}"


class RestoreBackupDialog(QDialog):
    """Lists the backups beside the database; restoring keeps the current file aside first."""

    restored = Signal(object, object)  # the backup restored (BackupInfo), the file kept aside (Path)

    def __init__(self, services: Services, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreBackupDialog")
        self.setWindowTitle("Restore from Backup")
        self.resize(620, 420)
        self._services = services
        self._tasks = tasks

        self.intro = hint_label(
            "Field Notes keeps a backup of the database each day you write (seven daily and four weekly). "
            "Restoring one puts every entry back as it was then; the database as it is now is kept aside first."
        )
        self.backup_list = QTreeWidget()
        self.backup_list.setObjectName("backupList")
        self.backup_list.setAccessibleName("Backups")
        self.backup_list.setHeaderLabels(["Taken", "Kind", "Size"])
        self.backup_list.setRootIsDecorated(False)
        self.backup_list.setUniformRowHeights(True)
        self.backup_list.currentItemChanged.connect(self._on_backup_list_current_item_changed)
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton("Restore This Backup…")
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.setEnabled(False)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.backup_list, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        tasks.run(Op(services.maintenance.backups), self._on_backups_loaded, self._on_operation_failed)

    def selected(self) -> BackupInfo | None:
        item = self.backup_list.currentItem()
        return None if item is None else item.data(0, _PATH_ROLE)

    def _on_backups_loaded(self, backups: list[BackupInfo]) -> None:
        for backup in backups:
            item = QTreeWidgetItem([describe_moment(backup.taken_at), KINDS.get(backup.kind, backup.kind),
                                    describe_size(backup.size)])
            item.setData(0, _PATH_ROLE, backup)
            item.setToolTip(0, str(backup.path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.backup_list.addTopLevelItem(item)
        if not backups:
            self.error.setText("There is no backup yet; Field Notes makes the first one today, in the background.")
            self.error.show()
            return
        for column in (0, 1):
            self.backup_list.resizeColumnToContents(column)
        first = self.backup_list.topLevelItem(0)
        if first is not None:
            self.backup_list.setCurrentItem(first)

    def _on_backup_list_current_item_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        self.restore_button.setEnabled(current is not None)

    def _on_restore_button_clicked(self) -> None:
        backup = self.selected()
        if backup is None:
            return
        answer = QMessageBox.question(
            self, "Restore from backup",
            f"Put back every entry as it was on {describe_moment(backup.taken_at)}?\n\n"
            "Changes made since then leave the desk; the database as it is now is kept aside, "
            "so nothing is lost.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.restore_button.setEnabled(False)
        self.error.hide()
        maintenance, path = self._services.maintenance, backup.path
        # On the database lane, so no save runs while the file is replaced under it.
        self._tasks.run(Op(lambda: maintenance.restore(path), Changes.EVERYTHING),
                        lambda aside: self._on_restored(backup, aside), self._on_operation_failed)

    def _on_restored(self, backup: BackupInfo, aside: Path) -> None:
        self.restored.emit(backup, aside)
        self.accept()

    def _on_operation_failed(self, error: BaseException) -> None:
        self.restore_button.setEnabled(self.selected() is not None)
        show_failure(self.error, error, self._tasks.failed.emit)
