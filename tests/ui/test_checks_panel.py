"""The pre-publish checks in the window: the panel lists a broken link, and activating it opens that
entry with the cursor on the link's line, from File ▸ Check Before Publishing and from the Publish dialog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import QApplication, QListWidgetItem

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.checks_panel import ChecksPanel
from fieldnotes_desktop.ui.dialogs.checks import ChecksDialog
from fieldnotes_desktop.ui.dialogs.publish import PublishDialog
from fieldnotes_desktop.ui.theme import LIGHT

WAIT_MS = 60000
BROKEN_BODY = (
    "The ridge was quiet at dawn.\n"
    "\n"
    "The route is the one from [last winter](../no-such-entry/), a little higher.\n"
    "\n"
    "We were down by noon.\n"
)


@pytest.fixture
def broken_db(db_path: Path) -> tuple[Path, int, int]:
    """A finished entry with a link to no entry on its third line, and a newer one opened first."""
    services = open_services(db_path)
    try:
        broken = services.entries.create(EntryFields(
            title="Up the north ridge", body=BROKEN_BODY, category="Mountains", status="finished",
            volume=8, date=dt.date(2025, 1, 10)))
        newer = services.entries.create(EntryFields(
            title="Back in the valley", body="Rain all week.", category="Mountains", status="finished",
            volume=8, date=dt.date(2025, 2, 1)))
        services.site.update(base_url="https://notes.example.org/")
    finally:
        services.close()
    return db_path, broken.id, newer.id


def broken_item(panel: ChecksPanel) -> QListWidgetItem:
    for row in range(panel.list.count()):
        item = panel.list.item(row)
        if item is not None and "no-such-entry" in item.text():
            return item
    raise AssertionError(f"no broken link among {[panel.list.item(r).text() for r in range(panel.list.count())]}")


def activate(panel: ChecksPanel, item: QListWidgetItem, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel.list.setCurrentItem(item)
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)  # Enter, as a double-click does


def on_the_broken_line(window, broken_id: int) -> bool:  # type: ignore[no-untyped-def]
    entry = window.desk.entry
    return entry is not None and entry.id == broken_id and window.editor.textCursor().blockNumber() == 2


def test_the_checks_dialog_lists_the_broken_link_and_opens_it_at_its_line(open_window, broken_db, qtbot):
    db, broken_id, newer_id = broken_db
    window = open_window(db)
    assert window.desk.entry is not None and window.desk.entry.id == newer_id
    window.commands.check_site.trigger()
    dialog = window.dialogs.last_dialog
    assert isinstance(dialog, ChecksDialog) and not dialog.isModal()
    panel = dialog.findChild(ChecksPanel, "checksPanel")
    assert panel is dialog.panel
    qtbot.waitUntil(lambda: bool(panel.findings), timeout=WAIT_MS)

    item = broken_item(panel)
    assert item.text().startswith("up-the-north-ridge · line 3 — ")
    assert panel.list.row(item) == 0  # errors first
    assert item.foreground().color() == QColor(LIGHT.error)  # the theme's red, which passes the contrast test
    assert "1 error" in panel.headline.text()

    activate(panel, item, qtbot)
    qtbot.waitUntil(lambda: on_the_broken_line(window, broken_id), timeout=5000)
    assert window.entry_list.selected_ids() == [broken_id]
    assert QApplication.focusWidget() is window.editor or QApplication.focusWidget() is None
    assert dialog.isVisible()  # still there for the next finding

    # Fixed in the editor, then Check Again: the finding is gone.
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("The route is the one from last winter, a little higher.")
    panel.check_button.click()
    qtbot.waitUntil(lambda: not panel.is_checking() and all("no-such-entry" not in f.message
                                                            for f in panel.findings), timeout=WAIT_MS)
    assert window.services.entries.get(broken_id).body.count("no-such-entry") == 0  # saved before the check


def test_the_publish_dialog_stops_at_the_broken_link_and_opens_it(open_window, broken_db, qtbot, tmp_path):
    db, broken_id, _newer = broken_db
    window = open_window(db)
    window.commands.publish.trigger()
    dialog = window.dialogs.last_dialog
    assert isinstance(dialog, PublishDialog)
    qtbot.waitUntil(lambda: not dialog.is_running() and bool(dialog.checks.findings), timeout=WAIT_MS)
    dialog.target.setText(str(tmp_path / "www"))
    dialog.target.editingFinished.emit()
    qtbot.waitUntil(lambda: not dialog.is_running() and dialog.report is not None, timeout=WAIT_MS)

    dialog.publish_button.click()  # the checks find an error: nothing is sent
    qtbot.waitUntil(lambda: not dialog.is_running() and dialog.anyway_button.isVisible(), timeout=WAIT_MS)
    assert "stop" in dialog.error.text() and not (tmp_path / "www" / "index.html").exists()
    assert dialog.tabs.currentWidget() is dialog.checks

    activate(dialog.checks, broken_item(dialog.checks), qtbot)
    qtbot.waitUntil(lambda: on_the_broken_line(window, broken_id), timeout=5000)
    assert dialog.isVisible() and dialog.publish_button.isEnabled()

    dialog.anyway_button.click()  # the writer decides the link can wait
    qtbot.waitUntil(lambda: not dialog.is_running() and dialog.report is not None and not dialog.report.dry_run,
                    timeout=WAIT_MS)
    assert (tmp_path / "www" / "index.html").is_file() and not dialog.anyway_button.isVisible()
