"""The entry list: newest first, filters, search as you type, new, duplicate, trash and restore."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from tests.ui.conftest import cli


def _titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.entry_list.model
    return [model.summary_at(r).title for r in range(model.rowCount())]


def test_newest_first_with_title_date_status_category_columns(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 3, timeout=5000)
    assert _titles(window) == ["Crossing the glacier", "Sourdough notes", "Night train to Vienna"]
    model = window.entry_list.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Title", "Date", "Status", "Category"]
    assert [model.index(0, c).data() for c in range(4)] == [
        "Crossing the glacier", "Jan 19, 2025", "Finished", "Mountains"]


def test_filters_by_status_category_tag_and_volume(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    panel = window.entry_list
    qtbot.waitUntil(lambda: panel.tag_filter.count() == 5, timeout=5000)  # all + 4 tags

    drafts = next(b for b in panel._status_group.buttons() if b.text() == "Drafts")
    qtbot.mouseClick(drafts, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _titles(window) == ["Sourdough notes"], timeout=5000)
    everything = next(b for b in panel._status_group.buttons() if b.text() == "All")
    qtbot.mouseClick(everything, Qt.MouseButton.LeftButton)

    def choose(combo, data):  # type: ignore[no-untyped-def]
        combo.setCurrentIndex(combo.findData(data))
        combo.activated.emit(combo.currentIndex())

    choose(panel.tag_filter, "alps")
    qtbot.waitUntil(lambda: _titles(window) == ["Crossing the glacier", "Night train to Vienna"],
                    timeout=5000)
    choose(panel.category_filter, "Travel")
    qtbot.waitUntil(lambda: _titles(window) == ["Night train to Vienna"], timeout=5000)
    choose(panel.tag_filter, None)
    choose(panel.category_filter, None)
    choose(panel.volume_filter, 7)
    qtbot.waitUntil(lambda: _titles(window) == ["Sourdough notes"], timeout=5000)


def test_search_as_you_type_shows_matches_with_snippets(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    qtbot.keyClicks(window.entry_list.search, "coff")  # a prefix: the writer is still typing
    qtbot.waitUntil(lambda: _titles(window) == ["Night train to Vienna"], timeout=5000)
    tooltip = window.entry_list.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "coffee" in tooltip
    assert window.entry_list.count_label.text() == "1 found"
    window.entry_list.search.clear()
    qtbot.waitUntil(lambda: len(_titles(window)) == 3, timeout=5000)


def test_keyboard_moves_between_entries_and_into_the_search(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    view = window.entry_list.view
    qtbot.waitUntil(lambda: view.currentIndex().row() == 0, timeout=5000)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.desk.entry.title == "Sourdough notes", timeout=5000)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.editor.hasFocus() or window.focusWidget() is window.editor
    window.commands.find_entry.trigger()
    assert window.focusWidget() is window.entry_list.search


def test_new_duplicate_trash_restore_and_empty_trash(open_window, seeded_db, qtbot, monkeypatch):
    window = open_window(seeded_db)
    desk = window.desk
    window.commands.new.trigger()
    qtbot.waitUntil(lambda: desk.entry is not None and desk.entry.title == "", timeout=5000)
    qtbot.waitUntil(lambda: len(_titles(window)) == 4, timeout=5000)
    qtbot.keyClicks(window.metadata.title, "Fresh page")
    qtbot.waitUntil(lambda: "Fresh page" in _titles(window), timeout=5000)

    window.commands.duplicate.trigger()
    qtbot.waitUntil(lambda: _open_title(desk) == "Fresh page (copy)", timeout=5000)
    qtbot.waitUntil(lambda: len(_titles(window)) == 5, timeout=5000)

    window.commands.trash.trigger()
    qtbot.waitUntil(lambda: "Fresh page (copy)" not in _titles(window), timeout=5000)
    qtbot.waitUntil(lambda: desk.entry is not None and desk.entry.title != "Fresh page (copy)",
                    timeout=5000)

    window.commands.show_trash.setChecked(True)
    qtbot.waitUntil(lambda: _titles(window) == ["Fresh page (copy)"], timeout=5000)
    window.entry_list.view.setCurrentIndex(window.entry_list.model.index(0, 0))
    qtbot.waitUntil(lambda: _open_title(desk) == "Fresh page (copy)", timeout=5000)
    assert window.editor.isReadOnly()  # a trashed entry is shown, not edited
    qtbot.mouseClick(window.entry_list.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _titles(window) == [], timeout=5000)

    window.commands.show_trash.setChecked(False)
    qtbot.waitUntil(lambda: "Fresh page (copy)" in _titles(window), timeout=5000)
    window.entry_list.view.setCurrentIndex(
        window.entry_list.model.index(_titles(window).index("Fresh page (copy)"), 0))
    qtbot.waitUntil(lambda: _open_title(desk) == "Fresh page (copy)", timeout=5000)
    window.commands.trash.trigger()
    qtbot.waitUntil(lambda: "Fresh page (copy)" not in _titles(window), timeout=5000)
    monkeypatch.setattr(window, "confirm", lambda title, text: True)
    window.commands.show_trash.setChecked(True)
    window.commands.empty_trash.trigger()
    qtbot.waitUntil(lambda: _titles(window) == [], timeout=5000)
    listed = json.loads(cli(seeded_db, "list", "--json").stdout)
    assert sorted(e["title"] for e in listed) == sorted(
        ["Crossing the glacier", "Sourdough notes", "Night train to Vienna", "Fresh page"])


def test_a_long_list_loads_two_hundred_rows_at_a_time(open_window, db_path, qtbot):
    services = open_services(db_path)
    with services.store.transaction() as session:
        for n in range(1200):
            services.entries.create_in(session, EntryFields(title=f"Entry {n}", body="text"))
    services.close()
    window = open_window(db_path)
    model = window.entry_list.model
    qtbot.waitUntil(lambda: model.rowCount() == 200, timeout=5000)
    assert model.canFetchMore()
    window.entry_list.view.scrollToBottom()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=5000)


def _open_title(desk) -> str | None:  # type: ignore[no-untyped-def]
    return desk.entry.title if desk.entry is not None else None


def test_category_and_tags_complete_from_those_in_use(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    category = window.metadata.category
    qtbot.waitUntil(lambda: category.count() == 3, timeout=5000)
    assert sorted(category.itemText(i) for i in range(category.count())) == ["Kitchen", "Mountains", "Travel"]
    assert category.currentText() == window.desk.entry.category  # filling the list kept the entry's own
    assert sorted(window.metadata._tag_names.stringList()) == ["alps", "bread", "ice", "rail"]
