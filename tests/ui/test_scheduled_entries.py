"""Scheduled entries in the window: chosen in the details with a time, a chip of their own, a bulk
edit, and made finished once their moment has passed, the open one included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.entry_delegate import chip

from stored import stored_entry
from test_bulk_edits_in_the_list import _select_all_three_by_mouse, _trigger


def _row_of(window, title: str) -> int:  # type: ignore[no-untyped-def]
    model = window.entry_list.model
    return next(r for r in range(model.rowCount()) if model.summary_at(r).title == title)


def _chip_painted(window, row: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether the card at `row`, as the list draws it on screen, holds the scheduled chip's colour."""
    view = window.entry_list.view
    rect = view.visualRect(window.entry_list.model.index(row, 0))
    image = view.viewport().grab(rect).toImage()
    wanted = QColor(window.entry_list.delegate.colors.scheduled_bg).rgb()
    return any(image.pixel(x, y) == wanted for x in range(image.width()) for y in range(image.height()))


@pytest.fixture
def waiting_db(seeded_db: Path) -> Path:
    """The three seeded entries and two scheduled ones: one long due, one for the far future."""
    services = open_services(seeded_db)
    try:
        services.entries.create(EntryFields(title="Due since spring", body="Out by now.", status="scheduled",
                                            date=dt.date(2025, 3, 1), published_time="06:00:00+00:00"))
        services.entries.create(EntryFields(title="Far off", body="Not yet.", status="scheduled",
                                            date=dt.date(2999, 1, 1)))
    finally:
        services.close()
    return seeded_db


def test_choosing_scheduled_in_the_details_shows_the_time_and_saves_both(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    panel, entry = window.metadata, window.desk.entry
    assert entry.status == "finished" and entry.published_time == ""
    assert not panel.time.isVisible()  # a day-only entry that is not scheduled shows the date alone
    panel.status.setFocus()
    qtbot.keyClick(panel.status, Qt.Key.Key_Up)  # Finished → Scheduled, as the keyboard chooses
    assert panel.status.currentData() == "scheduled"
    assert panel.date.isVisible() and panel.date.isEnabled()
    assert panel.time.isVisible() and not panel.time.isReadOnly()
    assert "Scheduled for Jan 19, 2025, 00:00" in panel.status.toolTip()
    panel.time.setFocus()
    qtbot.keyClicks(panel.time, "09:30")
    qtbot.keyClick(panel.time, Qt.Key.Key_Return)
    window.desk.saver.save_now()
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    stored = stored_entry(seeded_db, entry.id)
    assert (stored.status, stored.published_time) == ("scheduled", "09:30")
    row = _row_of(window, entry.title)
    summary = window.entry_list.model.summary_at(row)
    assert chip(summary, window.entry_list.delegate.colors)[0] == "Scheduled"
    assert window.entry_list.model.index(row, 2).data() == "Scheduled"
    qtbot.waitUntil(lambda: _chip_painted(window, row), timeout=5000)


def test_what_came_due_while_the_app_was_closed_is_finished_at_start(open_window, waiting_db, qtbot):
    window = open_window(waiting_db)
    model = window.entry_list.model
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=5000)
    qtbot.waitUntil(lambda: model.summary_at(_row_of(window, "Due since spring")).status == "finished", timeout=5000)
    far = model.summary_at(_row_of(window, "Far off"))
    assert far.status == "scheduled"
    assert "Scheduled for Jan 1, 2999" in model.index(_row_of(window, "Far off"), 0).data(Qt.ItemDataRole.ToolTipRole)
    assert stored_entry(waiting_db, model.summary_at(_row_of(window, "Due since spring")).id).status == "finished"
    assert _chip_painted(window, _row_of(window, "Far off"))
    assert not _chip_painted(window, _row_of(window, "Due since spring"))

    # Neither a draft nor finished: the list's Drafts and Finished tabs leave it out.
    for tab, rows in (("Drafts", 1), ("Finished", 3)):  # "Due since spring" is finished by now
        button = next(b for b in window.entry_list._status_group.buttons() if b.text() == tab)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: model.rowCount() == rows, timeout=5000)  # noqa: B023 (waited on here)
        assert "Far off" not in [model.summary_at(r).title for r in range(model.rowCount())]


def test_the_open_entry_released_while_written_in_keeps_saving(open_window, waiting_db, qtbot):
    window = open_window(waiting_db)
    model, desk = window.entry_list.model, window.desk
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=5000)
    window.entry_list.view.setCurrentIndex(model.index(_row_of(window, "Far off"), 0))
    qtbot.waitUntil(lambda: desk.entry is not None and desk.entry.title == "Far off", timeout=5000)
    entry_id = desk.entry.id
    window.metadata.date.setDate(window.metadata.date.date().addYears(-975))  # to 2024: due now
    desk.saver.save_now()
    qtbot.waitUntil(lambda: not desk.saver.has_unsaved(), timeout=5000)
    with qtbot.waitSignal(window.releases.released, timeout=5000):
        window.releases.release_due()  # what the minute's timer does
    assert window.metadata.status.currentData() == "finished"
    assert model.summary_at(_row_of(window, "Far off")).status == "finished"
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "Now it is out. ")
    desk.saver.save_now()
    qtbot.waitUntil(lambda: not desk.saver.has_unsaved(), timeout=5000)
    assert not desk.saver.conflicts  # the release was this desk's own, not someone else's
    stored = stored_entry(waiting_db, entry_id)
    assert stored.status == "finished" and "Now it is out." in stored.body


def test_a_bulk_edit_sets_scheduled(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 3, timeout=5000)
    _select_all_three_by_mouse(qtbot, window)
    _trigger(window, "Set 3 entries to Scheduled")
    qtbot.waitUntil(lambda: window.bulk.notice.label.text() == "3 entries set to Scheduled", timeout=5000)
    model = window.entry_list.model
    assert {model.summary_at(r).status for r in range(3)} == {"scheduled"}


def test_at_1024_by_700_the_time_beside_the_date_cuts_no_label_short(open_window, seeded_db, qtbot):
    from layout_checks import cut_short

    services = open_services(seeded_db)
    try:
        services.entries.create(EntryFields(title="Timed", status="scheduled", date=dt.date(2999, 12, 31),
                                            published_time="07:30:00+01:00"))
    finally:
        services.close()
    window = open_window(seeded_db)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=3000)
    qtbot.waitUntil(lambda: window.desk.entry is not None and window.desk.entry.title == "Timed", timeout=5000)
    qtbot.wait(50)
    panel = window.metadata
    assert panel.time.isVisible() and panel.time.text() == "07:30:00+01:00"
    assert panel.time.width() >= panel.time.fontMetrics().horizontalAdvance(panel.time.text())
    assert cut_short(window, window.entry_list) == []
