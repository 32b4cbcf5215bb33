"""What the list offers for the selected entries, counted in words: "Set 12 entries to Finished"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from fieldnotes_desktop.records import DRAFT, FINISHED, SCHEDULED, EntrySummary
from fieldnotes_desktop.services.bulk_records import BulkChange, BulkEdit, BulkKind, BulkUndo
from fieldnotes_desktop.ui.bulk_edit_widgets import entries


class BulkCommands(Protocol):
    def apply(self, change: BulkChange) -> None: ...
    def ask_category(self) -> None: ...
    def ask_tag(self) -> None: ...
    def ask_volume(self) -> None: ...


def fill_menu(menu: QMenu, chosen: Sequence[EntrySummary], *, in_trash: bool, commands: BulkCommands) -> None:
    """Puts the commands for `chosen` in `menu` (emptied first)."""
    menu.clear()
    many = entries(len(chosen))
    if in_trash:
        _add(menu, f"Restore {many} from the trash", partial(commands.apply, BulkChange(BulkKind.RESTORE)))
        return
    status = menu.addMenu("Set status")
    for value, label in ((DRAFT, "Draft"), (SCHEDULED, "Scheduled"), (FINISHED, "Finished")):
        _add(status, f"Set {many} to {label}", partial(commands.apply, BulkChange(BulkKind.STATUS, value)))
    _add(menu, f"Set category of {many}…", commands.ask_category)
    _add(menu, f"Add a tag to {many}…", commands.ask_tag)
    remove = menu.addMenu("Remove tag")
    tagged = Counter(tag for summary in chosen for tag in summary.tags)
    for tag in sorted(tagged):
        _add(remove, f"Remove “{tag}” from {entries(tagged[tag])}",
             partial(commands.apply, BulkChange(BulkKind.REMOVE_TAG, tag)))
    remove.setEnabled(bool(tagged))
    _add(menu, f"Set volume of {many}…", commands.ask_volume)
    menu.addSeparator()
    _add(menu, f"Move {many} to the trash", partial(commands.apply, BulkChange(BulkKind.TRASH)))


def _add(menu: QMenu, text: str, slot: Callable[[], None]) -> QAction:
    action = menu.addAction(text)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def done(edit: BulkEdit) -> str:
    """"12 entries set to Finished", said in the status bar beside its Undo."""
    words = _what(edit.change, entries(len(edit.entries)))
    unchanged = edit.asked - len(edit.entries)
    if not unchanged or edit.change.kind is BulkKind.REMOVE_TAG:  # the menu counted those with the tag
        return words
    if edit.change.kind is BulkKind.ADD_TAG:
        return f"{words} ({unchanged:,} already had it)"
    return f"{words} ({unchanged:,} already {'was' if unchanged == 1 else 'were'})"


def _what(change: BulkChange, n: str) -> str:
    kind, value = change.kind, change.value
    if kind is BulkKind.STATUS:
        return f"{n} set to {str(value).capitalize()}"
    if kind is BulkKind.CATEGORY:
        return f"{n} put in “{value}”" if value else f"Category cleared on {n}"
    if kind is BulkKind.VOLUME:
        return f"{n} put in Vol. {value:02d}" if isinstance(value, int) else f"Volume cleared on {n}"
    if kind is BulkKind.ADD_TAG:
        return f"“{value}” added to {n}"
    if kind is BulkKind.REMOVE_TAG:
        return f"“{value}” removed from {n}"
    return f"{n} moved to the trash" if kind is BulkKind.TRASH else f"{n} restored from the trash"


def nothing_done(edit: BulkEdit) -> str:
    return "Nothing to change: " + ("it is already so." if edit.asked == 1 else "they are all so already.")


def undone(undo: BulkUndo) -> str:
    n = len(undo.entries)
    back = f"Undone: {entries(n)} back as {'it was' if n == 1 else 'they were'}."
    refusal = undo.refusal()
    return f"{back} {refusal}" if refusal else back
