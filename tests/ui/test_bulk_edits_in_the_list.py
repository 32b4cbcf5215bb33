"""Bulk edits in the list: Shift/Ctrl select several, change them all as one operation, undo it from the status bar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services

from stored import stored_entry


@pytest.fixture
def drafts_db(db_path: Path) -> Path:
    """Three imported posts, all still drafts."""
    services = open_services(db_path)
    try:
        for n, (title, day) in enumerate((("Ridge walk", 19), ("Hut book", 12), ("Snow bridge", 5))):
            services.entries.create(EntryFields(title=title, body=f"Post {n} text.", category="Imported",
                                                status="draft", date=dt.date(2025, 1, day), tags=("old",)))
    finally:
        services.close()
    return db_path


def _ready(qtbot, window, rows: int = 3) -> None:  # type: ignore[no-untyped-def]
    view = window.entry_list.view
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == rows and window.desk.entry is not None,
                    timeout=5000)
    qtbot.waitUntil(lambda: view.currentIndex().row() == 0, timeout=5000)


def _click(qtbot, window, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    view = window.entry_list.view
    centre = view.visualRect(window.entry_list.model.index(row, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, centre)


def _select_all_three_by_mouse(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    _click(qtbot, window, 0)
    _click(qtbot, window, 2, Qt.KeyboardModifier.ControlModifier)
    assert window.entry_list.selected_rows() == [0, 2]
    _click(qtbot, window, 1, Qt.KeyboardModifier.ShiftModifier)  # from the anchor, row 0, to row 1
    assert window.entry_list.selected_rows() == [0, 1, 2]


def _trigger(window, text: str) -> None:  # type: ignore[no-untyped-def]
    """Chooses `text` in the list's context menu, as built for the selection now."""
    menu = QMenu()
    assert window.bulk.fill_menu(menu)
    found = {}
    pending = [menu]
    while pending:
        for action in pending.pop().actions():
            if action.menu() is not None:
                pending.append(action.menu())
            elif action.text():
                found[action.text()] = action
    assert text in found, sorted(found)
    found[text].trigger()


def _open_title(window) -> str | None:  # type: ignore[no-untyped-def]
    return window.desk.entry.title if window.desk.entry is not None else None


def _undo(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    notice = window.bulk.notice
    qtbot.waitUntil(lambda: notice.offering, timeout=5000)
    qtbot.mouseClick(notice.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notice.label.text().startswith("Undone"), timeout=5000)


def test_ctrl_and_shift_clicks_select_three_and_finished_is_one_undoable_change(open_window, drafts_db, qtbot):
    window = open_window(drafts_db)
    _ready(qtbot, window)
    opened = window.desk.entry
    _select_all_three_by_mouse(qtbot, window)
    assert window.desk.entry.id == opened.id  # several selected: the editor keeps the entry that was open
    assert window.entry_list.selection_bar.isVisibleTo(window.entry_list)
    assert window.entry_list.selection_bar.label.text() == "3 entries selected"
    bar_menu = window.entry_list.selection_bar.menu
    bar_menu.aboutToShow.emit()  # the bar's menu is the context menu's
    assert [a.text() for a in bar_menu.actions() if a.text()][:4] == [
        "Set status", "Set category of 3 entries…", "Add a tag to 3 entries…", "Remove tag"]
    before = [stored_entry(drafts_db, i) for i in (1, 2, 3)]

    _trigger(window, "Set 3 entries to Finished")
    qtbot.waitUntil(lambda: window.bulk.notice.offering, timeout=5000)

    assert window.bulk.notice.label.text() == "3 entries set to Finished"
    after = [stored_entry(drafts_db, i) for i in (1, 2, 3)]
    assert [e.status for e in after] == ["finished"] * 3
    assert [a.version for a in after] == [b.version + 1 for b in before]
    model = window.entry_list.model
    assert [model.index(r, 0).data(Qt.ItemDataRole.AccessibleTextRole).split(", ")[1] for r in range(3)] == [
        "finished"] * 3
    assert window.metadata.status.currentData() == "finished"  # the open entry shows it
    assert window.entry_list.selected_rows() == [0, 1, 2]  # still selected, for a second change

    _undo(qtbot, window)
    assert [stored_entry(drafts_db, i).status for i in (1, 2, 3)] == ["draft"] * 3
    assert window.bulk.notice.label.text() == "Undone: 3 entries back as they were."
    assert window.metadata.status.currentData() == "draft"
    qtbot.waitUntil(lambda: window.entry_list.selected_rows() == [0, 1, 2], timeout=5000)


def test_one_entry_selected_opens_as_before(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    _ready(qtbot, window)
    _click(qtbot, window, 1, Qt.KeyboardModifier.ControlModifier)
    _click(qtbot, window, 2, Qt.KeyboardModifier.ControlModifier)
    assert window.desk.entry.title == "Crossing the glacier"
    _click(qtbot, window, 0, Qt.KeyboardModifier.ControlModifier)  # two left
    _click(qtbot, window, 1, Qt.KeyboardModifier.ControlModifier)  # one left: it opens
    qtbot.waitUntil(lambda: window.desk.entry.title == "Night train to Vienna", timeout=5000)
    assert not window.entry_list.selection_bar.isVisibleTo(window.entry_list)
    _click(qtbot, window, 1)
    qtbot.waitUntil(lambda: window.desk.entry.title == "Sourdough notes", timeout=5000)


def test_a_mixed_selection_changes_only_those_that_differ(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    _ready(qtbot, window)
    window.entry_list.view.setFocus()
    qtbot.keyClick(window.entry_list.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert window.entry_list.selected_rows() == [0, 1, 2]
    versions = [stored_entry(seeded_db, i).version for i in (1, 2, 3)]
    _trigger(window, "Set 3 entries to Draft")
    qtbot.waitUntil(lambda: window.bulk.notice.offering, timeout=5000)
    assert window.bulk.notice.label.text() == "2 entries set to Draft (1 already was)"
    assert [stored_entry(seeded_db, i).version - v for i, v in zip((1, 2, 3), versions)] == [1, 0, 1]
    _undo(qtbot, window)
    assert [stored_entry(seeded_db, i).status for i in (1, 2, 3)] == ["finished", "draft", "finished"]


def test_add_and_remove_a_tag_set_category_and_volume(open_window, seeded_db, qtbot, monkeypatch):
    window = open_window(seeded_db)
    _ready(qtbot, window)
    _select_all_three_by_mouse(qtbot, window)
    bulk = window.bulk
    asked = []

    def answer(reply):  # type: ignore[no-untyped-def]
        def ask(*args):  # type: ignore[no-untyped-def]
            asked.append(args)
            return reply
        return ask

    def changed(text: str) -> None:
        def shown() -> None:
            assert bulk.notice.label.text() == text
        qtbot.waitUntil(shown, timeout=5000)

    monkeypatch.setattr(bulk, "ask_text", answer("winter"))
    _trigger(window, "Add a tag to 3 entries…")
    changed("“winter” added to 3 entries")
    assert all("winter" in stored_entry(seeded_db, i).tags for i in (1, 2, 3))
    assert "winter" in window.metadata.tags.text()

    _trigger(window, "Remove “alps” from 2 entries")  # the tags the selection has, each with its count
    changed("“alps” removed from 2 entries")
    assert [stored_entry(seeded_db, i).tags for i in (1, 2, 3)] == [("ice", "winter"), ("bread", "winter"),
                                                                   ("rail", "winter")]

    monkeypatch.setattr(bulk, "ask_text", answer("Field work"))
    _trigger(window, "Set category of 3 entries…")
    changed("3 entries put in “Field work”")
    assert [stored_entry(seeded_db, i).category for i in (1, 2, 3)] == ["Field work"] * 3
    assert window.metadata.category.currentText() == "Field work"
    assert "Field work" in asked[-1][2] or asked[-1][3] == ""  # offered what is in use

    monkeypatch.setattr(bulk, "ask_number", answer(11))
    _trigger(window, "Set volume of 3 entries…")
    changed("3 entries put in Vol. 11")
    assert [stored_entry(seeded_db, i).volume for i in (1, 2, 3)] == [11, 11, 11]
    assert window.metadata.volume.value() == 11
    qtbot.waitUntil(lambda: window.entry_list.volume_filter.findData(11) >= 0, timeout=5000)  # facets asked again

    _undo(qtbot, window)  # the last change only
    assert [stored_entry(seeded_db, i).volume for i in (1, 2, 3)] == [8, 7, 8]
    assert window.metadata.volume.value() == 8


def test_move_to_trash_then_undo_brings_them_back(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    _ready(qtbot, window)
    _click(qtbot, window, 0)
    _click(qtbot, window, 1, Qt.KeyboardModifier.ShiftModifier)
    _trigger(window, "Move 2 entries to the trash")
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 1, timeout=5000)
    assert window.bulk.notice.label.text() == "2 entries moved to the trash"
    qtbot.waitUntil(lambda: _open_title(window) == "Night train to Vienna", timeout=5000)  # the open one gave way
    assert stored_entry(seeded_db, 1).trashed and stored_entry(seeded_db, 2).trashed

    _undo(qtbot, window)
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 3, timeout=5000)
    assert not stored_entry(seeded_db, 1).trashed and not stored_entry(seeded_db, 2).trashed
    qtbot.waitUntil(lambda: window.entry_list.selected_rows() == [0, 1, 2], timeout=5000)


def test_delete_with_several_selected_trashes_them_all(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    _ready(qtbot, window)
    _click(qtbot, window, 1, Qt.KeyboardModifier.ControlModifier)
    window.entry_list.view.setFocus()
    window.commands.trash.trigger()
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 1, timeout=5000)
    assert window.bulk.notice.label.text() == "2 entries moved to the trash"


def test_undo_leaves_an_entry_changed_since_by_someone_else(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    _ready(qtbot, window)
    _select_all_three_by_mouse(qtbot, window)
    _trigger(window, "Set 3 entries to Draft")
    qtbot.waitUntil(lambda: window.bulk.notice.offering, timeout=5000)
    other = open_services(seeded_db)  # another window, or the command line
    try:
        other.entries.update(3, EntryFields(body="Rewritten on the train."))
    finally:
        other.close()

    _undo(qtbot, window)

    assert window.bulk.notice.label.text() == (
        "Undone: 1 entry back as it was. “Night train to Vienna” was changed since, so it was left as it is.")
    assert [stored_entry(seeded_db, i).status for i in (1, 3)] == ["finished", "draft"]
    assert stored_entry(seeded_db, 3).body == "Rewritten on the train."


def test_the_open_entrys_unsaved_typing_survives_a_bulk_change_and_its_undo(open_window, drafts_db, qtbot):
    window = open_window(drafts_db)
    _ready(qtbot, window)
    desk, editor = window.desk, window.editor
    opened = desk.entry
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " Typed before.")
    assert desk.saver.has_unsaved()  # not saved yet when the bulk edit is asked
    _select_all_three_by_mouse(qtbot, window)
    _trigger(window, "Set 3 entries to Finished")
    qtbot.waitUntil(lambda: window.bulk.notice.offering, timeout=5000)

    assert editor.toPlainText() == "Post 0 text. Typed before."
    assert window.metadata.status.currentData() == "finished"
    editor.setFocus()
    qtbot.keyClicks(editor, " Typed after.")  # saved over the version the bulk edit left
    qtbot.waitUntil(lambda: not desk.saver.has_unsaved(), timeout=5000)
    stored = stored_entry(drafts_db, opened.id)
    assert (stored.body, stored.status) == ("Post 0 text. Typed before. Typed after.", "finished")
    assert desk.saver.conflicts == {} and window.save_state_label.text() == "Saved"

    _undo(qtbot, window)  # the writer's own saves since do not count as "changed since"
    assert window.bulk.notice.label.text() == "Undone: 3 entries back as they were."
    stored = stored_entry(drafts_db, opened.id)
    assert (stored.body, stored.status) == ("Post 0 text. Typed before. Typed after.", "draft")
    assert editor.toPlainText() == stored.body
    qtbot.keyClicks(editor, "!")
    qtbot.waitUntil(lambda: not desk.saver.has_unsaved(), timeout=5000)
    assert stored_entry(drafts_db, opened.id).body.endswith("after.!") and desk.saver.conflicts == {}


def test_a_filtered_list_loses_the_rows_that_leave_it_and_gets_them_back_on_undo(open_window, drafts_db, qtbot):
    window = open_window(drafts_db)
    _ready(qtbot, window)
    panel = window.entry_list
    drafts = next(b for b in panel._status_group.buttons() if b.text() == "Drafts")
    qtbot.mouseClick(drafts, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)
    _click(qtbot, window, 1)
    _click(qtbot, window, 2, Qt.KeyboardModifier.ShiftModifier)
    _trigger(window, "Set 2 entries to Finished")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    assert panel.count_label.text() == "1 entry"
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)


def test_shift_arrows_and_ctrl_a_select_from_the_keyboard(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    _ready(qtbot, window)
    view = window.entry_list.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert window.entry_list.selected_rows() == [0, 1, 2]
    assert window.desk.entry.title == "Crossing the glacier"
    qtbot.keyClick(view, Qt.Key.Key_Up)  # a plain arrow: one entry again, and it opens
    qtbot.waitUntil(lambda: window.desk.entry.title == "Sourdough notes", timeout=5000)
    assert window.entry_list.selected_rows() == [1]
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert window.entry_list.selected_rows() == [0, 1, 2]
    assert window.desk.entry.title == "Sourdough notes"


def test_the_undo_offer_ends_with_the_next_bulk_edit_and_after_its_time(open_window, seeded_db, qtbot, monkeypatch):
    from fieldnotes_desktop.ui import bulk_edit_widgets

    window = open_window(seeded_db)
    _ready(qtbot, window)
    _select_all_three_by_mouse(qtbot, window)
    _trigger(window, "Set 3 entries to Draft")
    qtbot.waitUntil(lambda: window.bulk.notice.offering, timeout=5000)
    monkeypatch.setattr(bulk_edit_widgets, "UNDO_OFFER_MS", 200)
    _trigger(window, "Move 3 entries to the trash")
    qtbot.waitUntil(lambda: window.bulk.notice.label.text() == "3 entries moved to the trash", timeout=5000)
    qtbot.waitUntil(lambda: not window.bulk.notice.offering, timeout=3000)
    assert not window.bulk.can_undo
    assert [stored_entry(seeded_db, i).status for i in (1, 2, 3)] == ["draft"] * 3  # the first was not undone


def test_a_right_click_offers_the_commands_for_the_selection(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    _ready(qtbot, window)
    _click(qtbot, window, 2, Qt.KeyboardModifier.ShiftModifier)
    seen: list[str] = []

    def read_and_close() -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            seen.extend(a.text() for a in popup.actions() if a.text())
            popup.close()

    QTimer.singleShot(200, read_and_close)
    view = window.entry_list.view
    view.customContextMenuRequested.emit(view.visualRect(window.entry_list.model.index(1, 0)).center())
    assert "Move 3 entries to the trash" in seen
    assert window.entry_list.selected_rows() == [0, 1, 2]  # nothing was done


def test_in_the_trash_several_are_restored_at_once(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    _ready(qtbot, window)
    _click(qtbot, window, 2, Qt.KeyboardModifier.ShiftModifier)
    _trigger(window, "Move 3 entries to the trash")
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 0, timeout=5000)
    window.commands.show_trash.setChecked(True)
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 3, timeout=5000)
    _click(qtbot, window, 0)
    _click(qtbot, window, 1, Qt.KeyboardModifier.ShiftModifier)
    _trigger(window, "Restore 2 entries from the trash")
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 1, timeout=5000)
    assert window.bulk.notice.label.text() == "2 entries restored from the trash"
    assert [stored_entry(seeded_db, i).trashed for i in (1, 2, 3)] == [False, False, True]
