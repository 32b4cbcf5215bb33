"""The window's menus open the real dialogs, and what they change reaches the editor and the disk."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from fieldnotes_desktop.ui.dialogs import AboutDialog, ExportDialog, RevisionsDialog, SiteSettingsDialog


def test_history_restore_puts_the_old_text_back_in_the_editor(open_window, seeded_db, qtbot,
                                                              monkeypatch):
    window = open_window(seeded_db)
    original = window.editor.toPlainText()
    window.commands.snapshot.trigger()  # keep the original as a revision
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " A sentence to regret.")
    window.commands.history.trigger()
    dialog = window.dialogs.last_dialog
    assert isinstance(dialog, RevisionsDialog)
    qtbot.waitUntil(lambda: dialog.revision_list.topLevelItemCount() >= 1, timeout=5000)
    dialog.revision_list.setCurrentItem(dialog.revision_list.topLevelItem(0))  # newest first
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    revision = dialog.selected_revision()
    assert revision is not None and revision.body == original
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: window.editor.toPlainText() == original, timeout=5000)
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    assert window.save_state_label.text() == "Saved"


def test_export_from_the_file_menu_reaches_one_hundred_percent(open_window, seeded_db, qtbot,
                                                               tmp_path):
    window = open_window(seeded_db)
    window.commands.export.trigger()
    dialog = window.dialogs.last_dialog
    assert isinstance(dialog, ExportDialog) and dialog.objectName() == "exportDialog"
    dialog.folder.setText(str(tmp_path / "site"))
    dialog.start_export()
    progress = dialog.findChild(type(dialog.progress), "exportProgress")
    qtbot.waitUntil(lambda: progress.value() == progress.maximum() > 0 and not dialog.is_running(),
                    timeout=30000)
    assert (tmp_path / "site" / "index.html").exists()


def test_site_settings_and_about_open(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.commands.site_settings.trigger()
    assert isinstance(window.dialogs.last_dialog, SiteSettingsDialog)
    window.dialogs.last_dialog.reject()
    window.commands.about.trigger()
    assert isinstance(window.dialogs.last_dialog, AboutDialog)
    window.dialogs.last_dialog.reject()


def test_the_export_dialog_remembers_its_folder_in_the_window_s_settings(open_window, seeded_db, qtbot, tmp_path):
    settings_file = tmp_path / "window.ini"
    window = open_window(seeded_db, settings_file)
    window.commands.export.trigger()
    first = window.dialogs.last_dialog
    assert isinstance(first, ExportDialog)
    assert first.folder.text() == str(seeded_db.parent / "site")  # the first time: beside the database
    first.folder.setText(str(tmp_path / "chosen"))
    first.start_export()
    qtbot.waitUntil(lambda: not first.is_running(), timeout=30000)
    first.reject()
    assert "chosen" in settings_file.read_text()  # the window's own file, not a second one
    window.commands.export.trigger()
    second = window.dialogs.last_dialog
    assert second is not first and second.folder.text() == str(tmp_path / "chosen")
    second.reject()
