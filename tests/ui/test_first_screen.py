"""A database that opens unchanged shows its first screen from a plain read; the store opens after."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.records import EntryFilter
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.entry_model import PAGE_SIZE

from start_window import START_WINDOW, run_window

USABLE_WITHOUT_THE_STORE = START_WINDOW + """

def usable():
    seen["sqlalchemy"] = "sqlalchemy" in sys.modules
    seen["store_open"] = window.services.store_is_open
    seen["rows"] = window.entry_list.model.rowCount()
    seen["count"] = window.entry_list.count_label.text()
    seen["editor"] = window.editor.toPlainText()

def facets(categories, _tags):
    seen["categories"] = categories
    seen["store_open_after"] = window.services.store_is_open
    app.quit()

window.started.connect(usable)
window.entry_list.facets_loaded.connect(facets)
QTimer.singleShot(60_000, app.quit)
window.show()
app.exec()
window.close()
print(json.dumps(seen))
"""


def test_the_window_is_usable_before_sqlalchemy_is_imported(seeded_db: Path, tmp_path: Path) -> None:
    seen, _ = run_window(USABLE_WITHOUT_THE_STORE, seeded_db, tmp_path)
    assert seen["sqlalchemy"] is False and seen["store_open"] is False
    assert seen["rows"] == 3 and seen["count"] == "3 entries"
    assert seen["editor"] == "Crampons on at dawn; the ice groaned."  # the newest
    # Once the window is usable the store opens on the database lane, and the filters fill.
    assert seen["store_open_after"] is True
    assert seen["categories"] == ["Kitchen", "Mountains", "Travel"]


def test_the_first_screen_is_what_the_store_reads(open_window, seeded_db, qtbot):
    services = open_services(seeded_db)
    try:
        entries = services.entries
        stored_page = entries.list_summaries(EntryFilter(), PAGE_SIZE, 0)
        newest = entries.get(stored_page[0].id)
    finally:
        services.close()
    window = open_window(seeded_db)
    model = window.entry_list.model
    assert [model.summary_at(row) for row in range(model.rowCount())] == stored_page
    assert model.total == len(stored_page)
    assert window.desk.entry == newest
    assert window.entry_list.view.currentIndex().row() == 0  # the open entry is selected


def test_a_remembered_entry_since_trashed_opens_the_newest_instead(open_window, seeded_db, qtbot, tmp_path):
    settings = tmp_path / "state.ini"
    window = open_window(seeded_db, settings)
    window.entry_list.view.setCurrentIndex(window.entry_list.model.index(2, 0))
    qtbot.waitUntil(lambda: window.desk.entry.title == "Night train to Vienna", timeout=5000)
    window.close()
    services = open_services(seeded_db)
    try:
        trashed = services.entries.list_summaries(EntryFilter(), 3, 0)[2]
        services.entries.trash(trashed.id)
    finally:
        services.close()

    again = open_window(seeded_db, settings)
    assert again.desk.entry.title == "Crossing the glacier"
    assert again.entry_list.model.rowCount() == 2 and again.entry_list.model.total == 2


def test_with_every_entry_in_the_trash_the_window_opens_on_nothing(open_window, seeded_db, qtbot):
    services = open_services(seeded_db)
    try:
        for summary in services.entries.list_summaries(EntryFilter()):
            services.entries.trash(summary.id)
    finally:
        services.close()
    window = open_window(seeded_db)
    assert window.desk.entry is None and window.entry_list.model.rowCount() == 0
    assert window.entry_list.count_label.text() == "0 entries"
    window.commands.show_trash.setChecked(True)  # the trash, not a welcome entry, holds them
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 3, timeout=5000)


def test_words_typed_at_once_are_saved_by_the_store_that_opens_after(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.editor.setFocus()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " Typed as the window came up.")
    qtbot.waitUntil(lambda: window.save_state_label.text() == "Saved" and not window.desk.saver.pending,
                    timeout=10000)
    services = open_services(seeded_db)
    try:
        assert services.entries.get(window.desk.entry.id).body.endswith("Typed as the window came up.")
    finally:
        services.close()


def test_a_store_that_cannot_open_after_the_first_screen_says_why(open_window, seeded_db, qtbot, monkeypatch):
    import fieldnotes_desktop.store.engine as engine

    refusal = DatabaseError(f"The database {seeded_db} is busy in another program; close it there and try again.")

    def refused(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise refusal

    monkeypatch.setattr(engine, "open_store", refused)
    window = open_window(seeded_db)
    assert window.desk.entry is not None  # the first screen came from the file all the same
    qtbot.waitUntil(lambda: window.presenter.last_message == refusal.message, timeout=5000)
    assert not window.services.store_is_open
    monkeypatch.undo()  # the file is free again: the next use opens the store
    window.entry_list.refresh()
    qtbot.waitUntil(lambda: window.services.store_is_open, timeout=5000)


def test_a_locked_file_is_refused_with_its_sentence_before_any_window(qapp, seeded_db, tmp_path, monkeypatch):
    import sqlite3

    import pytest

    import fieldnotes_desktop.store.engine as engine
    from fieldnotes_desktop.app import build_main_window
    from fieldnotes_desktop.errors import DatabaseLockedError

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    # A rollback-journal file with an exclusive lock held: the first look cannot read it either,
    # so the store is opened first, as always, and says why it cannot.
    holder = sqlite3.connect(seeded_db, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseLockedError, match="busy in another program"):
            build_main_window(seeded_db, settings_path=tmp_path / "s.ini")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    from fieldnotes_desktop.ui.instance import InstanceLock

    again = InstanceLock(seeded_db)  # the refused start let go of the window lock
    again.acquire()
    again.release()


def test_our_tables_under_another_programs_id_are_refused_before_any_window(qapp, seeded_db, tmp_path):
    import sqlite3

    import pytest

    from fieldnotes_desktop.app import build_main_window

    with sqlite3.connect(seeded_db) as db:
        db.execute("PRAGMA application_id = 1196444487")  # "GPKG"
    with pytest.raises(DatabaseError, match="another program"):
        build_main_window(seeded_db, settings_path=tmp_path / "s.ini")


def test_a_change_made_elsewhere_before_the_store_opens_reaches_the_editor(open_window, seeded_db, qtbot,
                                                                           monkeypatch):
    import fieldnotes_desktop.store.engine as engine
    from fieldnotes_desktop.records import EntryFields
    from fieldnotes_desktop.services import Services

    real_open = engine.open_store

    def opened_after_a_change(*args, **kwargs):  # type: ignore[no-untyped-def]
        # Another program writes between the window's first look and its store's opening.
        other = Services(real_open(seeded_db))
        try:
            newest = other.entries.list_summaries(EntryFilter(), 1, 0)[0]
            other.entries.update(newest.id, EntryFields(body="Rewritten by the command line."))
        finally:
            other.close()
        return real_open(*args, **kwargs)

    monkeypatch.setattr(engine, "open_store", opened_after_a_change)
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "Rewritten by the command line.", timeout=5000)
