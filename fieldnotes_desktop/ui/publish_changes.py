"""What a publish sends and removes, file by file, with sizes: filled from a dry run, then from the publish."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from fieldnotes_desktop.services.site_publish import size_text

if TYPE_CHECKING:
    from fieldnotes_desktop.export.targets.sync import PublishPlan

MOST_ROWS = 5000  # a first publish of a big desk: the rest is summed up in one row
_FILE, _CHANGE, _SIZE = range(3)  # the size last, right-aligned against the edge


class ChangesList(QTreeWidget):
    """File, size and what happens to it; one row saying so when there is nothing to publish."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("publishChanges")
        self.setAccessibleName("Files to publish")
        self.setHeaderLabels(["File", "Change", "Size"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the file's name is at the end of its path
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(_FILE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((_CHANGE, 100), (_SIZE, 76)):  # "to remove", "1.2 MB", with room either side
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(column, width)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.headerItem().setTextAlignment(_SIZE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.uploads = 0
        self.deletions = 0

    def show_plan(self, plan: PublishPlan, *, done: bool) -> None:
        """`done`: the files were sent (a publish), else they would be (a dry run)."""
        self.clear()
        self.uploads, self.deletions = len(plan.uploads), len(plan.deletions)
        if plan.empty:
            self._note("Nothing to publish: the target already holds this site.")
            return
        send, remove = ("sent", "removed") if done else ("to send", "to remove")
        rows = [self._row(u.path, size_text(u.size), send) for u in plan.uploads[:MOST_ROWS]]
        room = max(0, MOST_ROWS - len(rows))
        rows += [self._row(path, "", remove) for path in plan.deletions[:room]]
        self.addTopLevelItems(rows)
        left = len(plan.uploads) + len(plan.deletions) - len(rows)
        if left:
            self._note(f"… and {left:,} more files.")

    def show_note(self, text: str) -> None:
        """In place of the files: why there are none to show (no target yet, a refused one)."""
        self.clear()
        self.uploads = self.deletions = 0
        self._note(text)

    def paths(self) -> list[str]:
        """The files listed, as the publish names them (for tests and the clipboard)."""
        found = []
        for row in range(self.topLevelItemCount()):
            item = self.topLevelItem(row)
            if item is not None and item.data(_FILE, Qt.ItemDataRole.UserRole):
                found.append(item.text(_FILE))
        return found

    @staticmethod
    def _row(path: str, size: str, change: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([path, change, size])
        item.setData(_FILE, Qt.ItemDataRole.UserRole, path)
        item.setToolTip(_FILE, path)
        item.setTextAlignment(_SIZE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _note(self, text: str) -> None:
        item = QTreeWidgetItem([text])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addTopLevelItem(item)
        item.setFirstColumnSpanned(True)
