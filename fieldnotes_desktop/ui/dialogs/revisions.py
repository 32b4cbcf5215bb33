"""The history of an entry: its kept revisions, how each differs from the text now, and restoring one."""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldnotes_desktop.records import Entry, Revision
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.dialogs.diffing import delta_label, diff_html, word_changes
from fieldnotes_desktop.ui.dialogs.style import error_label, hint_label, show_failure
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks

log = logging.getLogger(__name__)

REASONS = {
    "autosave": "Autosave",
    "manual": "Snapshot",
    "export": "Exported",
    "restore": "Restored",
    "import": "Imported",
    "conflict": "Changed elsewhere",
}
_REVISION_ROLE = Qt.ItemDataRole.UserRole
EMPTY_HISTORY = (
    "While you write, Field Notes keeps the text you replace, at most every ten minutes, and a "
    "snapshot whenever you ask for one (Entry ▸ Snapshot now, or Ctrl+S). They will be listed here."
)


def local_time(moment: dt.datetime) -> str:
    """A stored (naive UTC) time in the writer's own time zone: `Jan 19, 2025 14:02`."""
    aware = moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment
    local = aware.astimezone()
    return f"{local:%b} {local.day}, {local.year} {local:%H:%M}"


class RevisionsDialog(QDialog):
    """Lists the revisions newest first; the selected one is compared with the current text."""

    revision_restored = Signal(object)  # the restored Entry

    def __init__(
        self,
        services: Services,
        tasks: Tasks,
        entry_id: int,
        current_title: str,
        current_body: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("revisionsDialog")
        self.setWindowTitle(f"History — {current_title or 'Untitled'}")
        self.resize(960, 620)
        self._services = services
        self._tasks = tasks
        self._entry_id = entry_id
        self._current_body = current_body
        self._revisions: list[Revision] = []

        self.revision_list = QTreeWidget()
        self.revision_list.setObjectName("revisionList")
        self.revision_list.setAccessibleName("Revisions")
        self.revision_list.setHeaderLabels(["Saved", "Kind", "Change"])
        self.revision_list.setRootIsDecorated(False)
        self.revision_list.setUniformRowHeights(True)
        self.revision_list.setAlternatingRowColors(True)
        self.revision_list.header().setMinimumSectionSize(70)
        self.revision_list.header().setStretchLastSection(True)
        self.revision_list.currentItemChanged.connect(self._on_revision_list_current_item_changed)

        self.compare_label = hint_label("Loading the history…")
        self.diff_view = QTextBrowser()
        self.diff_view.setObjectName("revisionDiff")
        self.diff_view.setAccessibleName("Difference from the current text")
        self.diff_view.setOpenLinks(False)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.compare_label)
        right_layout.addWidget(self.diff_view, 1)

        splitter = QSplitter()
        splitter.addWidget(self.revision_list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 630])

        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton("Restore This Revision…")
        self.restore_button.setObjectName("restoreRevision")
        self.restore_button.setEnabled(False)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        tasks.run(
            Op(lambda: services.entries.revisions(entry_id)),
            self._on_revisions_loaded,
            self._on_operation_failed,
        )

    def selected_revision(self) -> Revision | None:
        item = self.revision_list.currentItem()
        return None if item is None else item.data(0, _REVISION_ROLE)

    # -- loading and comparing -------------------------------------------------------------

    def _on_revisions_loaded(self, revisions: list[Revision]) -> None:
        self._revisions = revisions
        for revision in revisions:
            reason = REASONS.get(revision.reason, revision.reason)
            if revision.author:
                reason = f"{reason} · {revision.author}"  # on a shared desk, whose save it was
            item = QTreeWidgetItem([local_time(revision.created_at), reason, "…"])
            item.setData(0, _REVISION_ROLE, revision)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.revision_list.addTopLevelItem(item)
        if not revisions:
            self.compare_label.setText("No earlier versions of this entry are kept yet.")
            self.diff_view.setPlaceholderText(EMPTY_HISTORY)
            return
        for column in range(2):
            self.revision_list.resizeColumnToContents(column)
        first = self.revision_list.topLevelItem(0)
        if first is not None:  # always: there are revisions
            self.revision_list.setCurrentItem(first)
        bodies = [r.body for r in revisions]
        self._tasks.compute.submit(f"history-deltas-{id(self)}", lambda: _deltas(bodies), self._on_deltas_counted)

    def _on_deltas_counted(self, deltas: list[tuple[int, int]]) -> None:
        for index, (added, removed) in enumerate(deltas):
            item = self.revision_list.topLevelItem(index)
            if item is not None:
                item.setText(2, delta_label(added, removed))
                item.setToolTip(2, "Words added and removed since the revision before it")

    def _on_revision_list_current_item_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        revision = None if current is None else current.data(0, _REVISION_ROLE)
        self.restore_button.setEnabled(revision is not None)
        if revision is None:
            return
        when = local_time(revision.created_at)
        self.compare_label.setText(f"Comparing the revision of {when} with the current text…")
        body, dark = self._current_body, self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        self._tasks.compute.submit(  # latest wins: moving through the list shows the last one chosen
            f"history-diff-{id(self)}",
            lambda: (word_changes(revision.body, body), diff_html(revision.body, body, dark=dark)),
            lambda result: self._on_diff_ready(when, result),
        )

    def _on_diff_ready(self, when: str, result: tuple[tuple[int, int], str]) -> None:
        (added, removed), html = result
        change = "no change" if not added and not removed else delta_label(added, removed)
        self.compare_label.setText(f"From the revision of {when} to the current text: {change}")
        self.diff_view.setHtml(html)

    # -- restoring -------------------------------------------------------------------------

    def _on_restore_button_clicked(self) -> None:
        revision = self.selected_revision()
        if revision is None:
            return
        answer = QMessageBox.question(
            self,
            "Restore revision",
            f"Put back the text of {local_time(revision.created_at)}?\n\n"
            "The current text is kept in the history, so you can return to it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.restore_button.setEnabled(False)
        self.error.hide()
        revision_id = revision.id
        entries = self._services.entries
        self._tasks.run(
            Op(lambda: entries.restore_revision(revision_id), Changes.ENTRIES),
            self._on_revision_restored,
            self._on_operation_failed,
        )

    def _on_revision_restored(self, entry: Entry) -> None:
        self.revision_restored.emit(entry)
        self.accept()

    def _on_operation_failed(self, error: BaseException) -> None:
        self.restore_button.setEnabled(self.selected_revision() is not None)
        show_failure(self.error, error, self._tasks.failed.emit)


def _deltas(bodies: list[str]) -> list[tuple[int, int]]:
    """Each revision against the one before it (the list is newest first; the oldest starts from nothing)."""
    older = bodies[1:] + [""]
    return [word_changes(before, after) for after, before in zip(bodies, older)]
