"""The one place that hears what an operation changed and refreshes only the views that show it."""

from __future__ import annotations

from PySide6.QtCore import QObject

from fieldnotes_desktop.ui.desk import Desk
from fieldnotes_desktop.ui.entry_list import EntryListPanel
from fieldnotes_desktop.ui.preview.images import AssetIndex
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks


class ViewRefresher(QObject):
    """Wired to `Tasks.changed`: entries → the list, facets → the filters, site → the page, assets → images."""

    def __init__(self, tasks: Tasks, entry_list: EntryListPanel, desk: Desk, images: AssetIndex,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._list = entry_list
        self._desk = desk
        self._images = images
        tasks.changed.connect(self.refresh)

    def refresh(self, changes: Changes) -> None:
        if changes & Changes.ASSETS:
            # Before the list and page: a page drawn next already finds the new images.
            self._tasks.run(Op(self._images.reload, key="asset-index"))
        if changes & Changes.ENTRIES:
            self._list.model.reload()  # keyed on the database lane: a burst of changes asks once
        if changes & Changes.FACETS:
            self._list.refresh_facets()
        if changes & Changes.SITE:
            self._desk.refresh_preview()
