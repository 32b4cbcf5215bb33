"""Bulk edits from the list: one change to the selected entries as one operation on the database
lane, shown in place, with an Undo in the status bar for the next 15 seconds.

The open entry is saved first, as switching entries does; if the edit changed it, the editor
and its details show the new value without touching what is typed. The Undo here is not
Edit ▸ Undo, which stays the editor's: one undoes typing, the other a change made from the list.
"""

from __future__ import annotations

import itertools

from collections.abc import Sequence

from PySide6.QtCore import QObject, QPoint
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QInputDialog, QLabel, QMenu, QSpinBox, QVBoxLayout

from fieldnotes_desktop.records import Entry, EntrySummary
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.bulk_records import BulkChange, BulkEdit, BulkKind, BulkUndo
from fieldnotes_desktop.ui import bulk_edit_menu as words
from fieldnotes_desktop.ui.bulk_edit_widgets import NOTE_MS, UndoNotice, entries
from fieldnotes_desktop.ui.desk import Desk
from fieldnotes_desktop.ui.entry_list import EntryListPanel
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks

REFUSAL_MS = 12_000  # a sentence about entries left as they are is read, not glanced at
NO_VOLUME = -1


class BulkEdits(QObject):
    """Asked from the list's context menu or the bar under it; the window adds `notice` to its status bar."""

    def __init__(self, services: Services, tasks: Tasks, entry_list: EntryListPanel, desk: Desk,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._list = entry_list
        self._desk = desk
        self.notice = UndoNotice()  # the window puts it in its status bar
        self._edit: BulkEdit | None = None  # the one Undo offers
        self._own: dict[int, int] = {}  # later versions of its entries that this desk's saves made

        entry_list.view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        entry_list.selection_bar.menu.aboutToShow.connect(self._on_selection_menu_about_to_show)
        self.notice.undo_requested.connect(self.undo)
        self.notice.expired.connect(self._on_notice_expired)
        desk.saver.entry_saved.connect(self._on_saver_entry_saved)

    @property
    def can_undo(self) -> bool:
        return self._edit is not None

    # -- asking ------------------------------------------------------------------------------

    def fill_menu(self, menu: QMenu) -> bool:
        """The commands for the selection of this moment; False when nothing is selected."""
        chosen = self._list.selected_summaries()
        if not chosen:
            return False
        words.fill_menu(menu, chosen, in_trash=self._list.showing_trash, commands=self)
        return True

    def ask_category(self) -> None:
        chosen = self._list.selected_summaries()
        common = {s.category for s in chosen}
        answer = self.ask_text("Set category", f"Category of {entries(len(chosen))}:", self._list.categories,
                               common.pop() if len(common) == 1 else "")
        if answer is not None:
            self.apply(BulkChange(BulkKind.CATEGORY, answer))

    def ask_tag(self) -> None:
        chosen = self._list.selected_summaries()
        answer = self.ask_text("Add a tag", f"Tag to add to {entries(len(chosen))}:", self._list.tags, "")
        if answer is not None and answer.strip():
            self.apply(BulkChange(BulkKind.ADD_TAG, answer.strip()))

    def ask_volume(self) -> None:
        chosen = self._list.selected_summaries()
        common = {s.volume for s in chosen}
        answer = self.ask_number(f"Volume of {entries(len(chosen))}:", common.pop() if len(common) == 1 else None)
        if answer is not None:
            self.apply(BulkChange(BulkKind.VOLUME, None if answer == NO_VOLUME else answer))

    def ask_text(self, title: str, label: str, items: Sequence[str], current: str) -> str | None:
        """The writer's answer, or None when they cancel (a test answers for them)."""
        choices = list(items) if current in items or not current else [current, *items]
        text, ok = QInputDialog.getItem(self._list.window(), title, label, choices,
                                        choices.index(current) if current in choices else 0, True)
        return text.strip() if ok else None

    def ask_number(self, label: str, current: int | None) -> int | None:
        """A volume from 0 to 99, NO_VOLUME to clear it, None when the writer cancels."""
        dialog = QDialog(self._list.window())
        dialog.setWindowTitle("Set volume")
        spin = QSpinBox()
        spin.setRange(NO_VOLUME, 99)
        spin.setSpecialValueText("No volume")
        spin.setPrefix("Vol. ")
        spin.setValue(NO_VOLUME if current is None else current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        for widget in (QLabel(label), spin, buttons):
            layout.addWidget(widget)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return spin.value() if accepted else None

    # -- doing -------------------------------------------------------------------------------

    def apply(self, change: BulkChange) -> None:
        """Makes `change` to the selected entries, as one operation."""
        chosen = self._list.selected_ids()
        if not chosen:
            return
        self._desk.commit_edits()
        self._desk.saver.flush()  # queued before the edit: the lane runs them in order
        bulk = self._services
        changes = Changes.NONE if change.kind is BulkKind.STATUS else Changes.FACETS
        self._tasks.run(Op(lambda: bulk.bulk_edits.apply(chosen, change), changes), self._on_applied)

    def trash_requested(self) -> None:
        """Delete, or File ▸ Move to trash: the selection when there is one of several, else the open entry."""
        if len(self._list.selected_rows()) > 1 and not self._list.showing_trash:
            self.apply(BulkChange(BulkKind.TRASH))
        else:
            self._desk.trash_entry()

    def undo(self) -> None:
        edit, own = self._edit, dict(self._own)
        if edit is None:
            return
        self._edit = None
        self._desk.commit_edits()
        self._desk.saver.flush()
        self.notice.busy()
        bulk = self._services
        # Undone rows may come back to the list (out of the trash, into a filter): it asks again.
        self._tasks.run(Op(lambda: bulk.bulk_edits.undo(edit, own), Changes.ENTRIES | Changes.FACETS),
                        self._on_undone, self._on_undo_failed)

    def _show(self, changed: Sequence[EntrySummary], change: BulkChange) -> None:
        """The stored values in the open entry and in the list's rows; a trashed open entry gives way."""
        entry = self._desk.entry
        gone = {s.id for s in changed}
        leaves = entry is not None and entry.id in gone and change.kind in (BulkKind.TRASH, BulkKind.RESTORE)
        neighbour = self._neighbour(entry.id, gone) if entry is not None and leaves else None
        self._desk.take_stored_values(changed, change.field)
        with self._list.still():
            self._list.model.update_summaries(changed)
        if leaves:
            self._desk.move_on(neighbour)

    def _neighbour(self, entry_id: int, leaving: set[int]) -> int | None:
        """The nearest row below the open entry's (else above) that stays in the list."""
        model = self._list.model
        row = model.row_of(entry_id)
        if row is None:
            return None
        below = (model.summary_at(r) for r in range(row + 1, model.rowCount()))
        above = (model.summary_at(r) for r in range(row - 1, -1, -1))
        for summary in itertools.chain(below, above):  # lazily: the list may hold 100,000 rows
            if summary is not None and summary.id not in leaving:
                return summary.id
        return None

    # -- slots -------------------------------------------------------------------------------

    def _on_applied(self, edit: BulkEdit) -> None:
        self._show(edit.entries, edit.change)
        self._edit = edit if edit.entries else None
        self._own = {}
        if edit.entries:
            self.notice.offer(words.done(edit))
        else:
            self.notice.tell(words.nothing_done(edit))

    def _on_undone(self, undo: BulkUndo) -> None:
        self._show(undo.entries, undo.edit.change)
        self._list.keep_selection(s.id for s in undo.entries)  # selected again once the list is back
        self.notice.tell(words.undone(undo), REFUSAL_MS if undo.refusal() else NOTE_MS)

    def _on_undo_failed(self, error: BaseException) -> None:
        self.notice.hide()
        self._tasks.failed.emit(error)

    def _on_notice_expired(self) -> None:
        self._edit = None
        self._own = {}

    def _on_saver_entry_saved(self, entry: Entry) -> None:
        """The open entry's own saves after the edit do not count as "changed since" for its
        undo, as long as they kept what the edit gave it."""
        edit = self._edit
        if edit is None:
            return
        at = self._own.get(entry.id) or next((p.version for p in edit.previous if p.entry_id == entry.id), None)
        if at is not None and entry.version == at + 1 and edit.change.holds(entry):
            self._own[entry.id] = entry.version

    def _on_view_context_menu_requested(self, position: QPoint) -> None:
        menu = QMenu(self._list.view)
        if self.fill_menu(menu):
            menu.exec(self._list.view.viewport().mapToGlobal(position))
        menu.deleteLater()

    def _on_selection_menu_about_to_show(self) -> None:
        self.fill_menu(self._list.selection_bar.menu)
