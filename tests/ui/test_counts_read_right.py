"""Counts the writer reads agree with their nouns, and an empty entry has no reading time."""

from __future__ import annotations

from PySide6.QtGui import QTextDocumentFragment

from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.dialogs.export import ExportDialog


def test_an_empty_entry_shows_no_reading_time(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.commands.new.trigger()
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "", timeout=5000)
    qtbot.waitUntil(lambda: window.word_count_label.text() == "0 words", timeout=5000)
    window.editor.insertPlainText("One")
    qtbot.waitUntil(lambda: window.word_count_label.text() == "1 word · 1 min read", timeout=5000)


def test_the_export_result_counts_one_entry_as_one_entry(open_window, seeded_db, qtbot, tmp_path):
    services = open_services(seeded_db)
    try:  # of the two finished entries, one stays
        night_train = next(s for s in services.entries.list_summaries() if s.title == "Night train to Vienna")
        services.entries.trash(night_train.id)
    finally:
        services.close()
    window = open_window(seeded_db)
    window.commands.export.trigger()
    dialog = window.dialogs.last_dialog
    assert isinstance(dialog, ExportDialog)
    dialog.folder.setText(str(tmp_path / "site"))
    dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_running() and dialog.summary.isVisible(), timeout=30000)
    summary = QTextDocumentFragment.fromHtml(dialog.summary.text()).toPlainText()
    assert ", including 1 entry · " in summary
    assert "entries" not in summary and "1 assets" not in summary
    dialog.reject()
