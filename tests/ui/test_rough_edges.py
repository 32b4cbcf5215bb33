"""Counts the writer reads agree with their nouns, and an empty entry has no reading time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocumentFragment

from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.dialogs.export import ExportDialog
from layout_checks import cut_short
from start_window import START_WINDOW, run_window


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


def test_the_window_title_follows_the_title_as_it_is_typed(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.commands.new.trigger()
    qtbot.waitUntil(lambda: window.desk.entry is not None and window.desk.entry.title == "", timeout=5000)
    assert window.windowTitle() == "Untitled — Field Notes"
    qtbot.keyClicks(window.metadata.title, "Ridge walk")
    assert window.windowTitle() == "Ridge walk — Field Notes"  # at once, not after the save


def test_leaving_the_trash_view_opens_an_entry_that_can_be_written_in(open_window, seeded_db, qtbot):
    services = open_services(seeded_db)
    try:
        sourdough = next(s for s in services.entries.list_summaries() if s.title == "Sourdough notes")
        services.entries.trash(sourdough.id)
    finally:
        services.close()
    window = open_window(seeded_db)
    window.commands.show_trash.setChecked(True)
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 1, timeout=5000)
    window.entry_list.view.setCurrentIndex(window.entry_list.model.index(0, 0))
    qtbot.waitUntil(lambda: window.desk.entry is not None and window.desk.entry.trashed, timeout=5000)
    assert window.editor.isReadOnly()
    window.commands.show_trash.setChecked(False)
    qtbot.waitUntil(lambda: window.desk.entry is not None and not window.desk.entry.trashed, timeout=5000)
    assert window.desk.entry.title == "Crossing the glacier"  # the list's first
    assert not window.editor.isReadOnly()
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, " More.")
    assert " More." in window.editor.toPlainText()  # typing reaches the entry


def test_a_restored_revision_is_shown_from_its_top(open_window, seeded_db, qtbot):
    from fieldnotes_desktop.records import EntryFields
    from fieldnotes_desktop.ui.preview.page_script import WORLD

    def js(source: str) -> float:
        box: list[float] = []
        window.preview.page().runJavaScript(source, WORLD, box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=5000)
        return box[0] or 0

    def scroll_y() -> float:
        return js("window.scrollY")

    long = "\n".join(f"## Part {n}\n\n" + "\n\n".join(f"Line {n}.{k}." for k in range(12)) for n in range(40))
    services = open_services(seeded_db)
    try:
        entry = services.entries.create(EntryFields(title="Long draft", body=long))
        older = services.entries.update(entry.id, EntryFields(body="Older text.\n\n" + long))
    finally:
        services.close()
    window = open_window(seeded_db)
    window.desk.open_entry(entry.id)
    qtbot.waitUntil(lambda: "Part 39" in window.preview.property("renderedHtml"), timeout=15000)
    scroll = "document.querySelectorAll('#fn-entry-body > section')[30].scrollIntoView(); window.scrollY"
    qtbot.waitUntil(lambda: js(scroll) > 500, timeout=10000)  # a reader far down the page
    window.desk.apply_restored(older)  # as the history dialog does
    qtbot.waitUntil(lambda: "Older text." in window.preview.property("renderedHtml"), timeout=15000)
    qtbot.waitUntil(lambda: scroll_y() == 0, timeout=5000)


def test_help_lists_markdown_and_the_keys_of_this_platform(open_window, seeded_db, qtbot):
    from PySide6.QtGui import QKeySequence

    from fieldnotes_desktop.ui.dialogs.help import HelpDialog

    window = open_window(seeded_db)
    window.commands.cheat_sheet.trigger()
    sheet = window.dialogs.last_dialog
    assert isinstance(sheet, HelpDialog)
    assert "**strong**" in sheet.text.toPlainText() and "```python" in sheet.text.toPlainText()
    sheet.reject()
    window.commands.shortcuts.trigger()
    keys = window.dialogs.last_dialog
    text = keys.text.toPlainText()
    lines = text.splitlines()
    for action in (window.commands.bold, window.commands.link, window.commands.quit, window.commands.find_entry):
        name = action.text().replace("&", "").rstrip("…")
        shown = action.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText)
        assert shown in lines[lines.index(name) + 1], (name, shown)  # a row: the command, its keys
    assert "Empty trash" not in lines  # no key: not listed
    keys.reject()


def test_at_1024_by_700_no_label_is_cut_short(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=3000)
    qtbot.wait(50)
    assert cut_short(window, window.entry_list) == []


AT_DOUBLE_SCALE = START_WINDOW + """
sys.path.insert(0, sys.argv[2])
from layout_checks import cut_short

def look():
    window.resize(1024, 700)
    QTimer.singleShot(800, measure)  # the page lays itself out again at the new width

def measure():
    shot = window.grab()
    seen["ratio"] = window.devicePixelRatio()
    seen["grab"] = [shot.width(), shot.height()]
    seen["logical"] = [window.width(), window.height()]
    seen["cut"] = cut_short(window, window.entry_list)
    seen["preview_ratio"] = window.preview.devicePixelRatio()
    shot.save(sys.argv[3])
    window.ask_unsaved_on_quit = lambda _error: None
    window.close()
    app.quit()

window.preview.rendered.connect(lambda: QTimer.singleShot(300, look))  # the page painted too
window.show()
app.exec()
print(json.dumps(seen))
"""


def test_at_double_scale_the_window_is_drawn_sharp_and_nothing_is_cut(seeded_db, tmp_path, monkeypatch):
    """QT_SCALE_FACTOR=2, as on a HiDPI screen: 1024×700 points drawn with 2048×1400 pixels."""
    monkeypatch.setenv("QT_SCALE_FACTOR", "2")
    shot = tmp_path / "double.png"
    script = AT_DOUBLE_SCALE.replace("sys.argv[2]", repr(str(Path(__file__).parent))).replace(
        "sys.argv[3]", repr(str(shot)))
    seen, stderr = run_window(script, seeded_db, tmp_path)
    assert seen["ratio"] == 2.0 and seen["preview_ratio"] == 2.0, stderr
    assert seen["logical"] == [1024, 700]
    assert seen["grab"] == [2048, 1400]  # every pixel drawn, not a 1× picture stretched
    assert seen["cut"] == []
    assert shot.stat().st_size > 0


def test_the_list_and_the_preview_hide_on_their_own_and_stay_hidden(open_window, seeded_db, qtbot, tmp_path):
    settings = tmp_path / "panes.ini"
    window = open_window(seeded_db, settings)
    window.commands.show_preview.setChecked(False)
    assert not window.preview_pane.isVisible() and window.entry_list.isVisible()
    window.commands.show_list.setChecked(False)
    assert not window.entry_list.isVisible() and window.editor.isVisible()
    window.commands.focus_mode.trigger()
    window.commands.focus_mode.trigger()  # leaving focus mode keeps them hidden
    assert not window.entry_list.isVisible() and not window.preview_pane.isVisible()
    window.close()
    again = open_window(seeded_db, settings)
    assert not again.commands.show_list.isChecked() and not again.preview_pane.isVisible()
    again.commands.show_list.setChecked(True)
    again.commands.show_preview.setChecked(True)
    assert again.entry_list.isVisible() and again.preview_pane.isVisible()
