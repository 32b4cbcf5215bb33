"""The writer's main path through the real app: find an entry, write, see the page, never lose text."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.preview.page_script import WORLD
from tests.ui.conftest import cli


def _type_at_end(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    editor = window.editor
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, text)


def _stored_body(db: Path, title: str) -> str:
    services = open_services(db)
    try:
        return next(
            services.entries.get(s.id).body
            for s in services.entries.list_summaries() if s.title == title
        )
    finally:
        services.close()


def test_search_select_type_preview_and_autosave(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    search = window.findChild(type(window.entry_list.search), "entrySearch")
    qtbot.keyClicks(search, "sourdough")
    model = window.entry_list.model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.query == "sourdough", timeout=5000)

    entry_list = window.findChild(type(window.entry_list.view), "entryList")
    entry_list.setCurrentIndex(model.index(0, 0))
    qtbot.waitUntil(lambda: window.desk.entry is not None
                    and window.desk.entry.title == "Sourdough notes", timeout=5000)

    preview = window.findChild(type(window.preview), "preview")
    with qtbot.waitSignal(preview.rendered, timeout=15000,
                          check_params_cb=lambda *a: "marmalade" in preview.property("renderedHtml")):
        _type_at_end(qtbot, window, " Then a spoon of marmalade")
    assert "marmalade" in preview.property("renderedHtml")

    qtbot.waitUntil(lambda: window.save_state_label.text() == "Saved"
                    and not window.desk.saver.has_unsaved(), timeout=5000)
    found = cli(seeded_db, "search", "marmalade", "--json")  # a separate process, window still open
    assert found.returncode == 0, found.stderr
    assert [hit["title"] for hit in json.loads(found.stdout)] == ["Sourdough notes"]
    qtbot.waitUntil(lambda: window.word_count_label.text() == "9 words · 1 min read", timeout=3000)


def test_switching_entries_mid_typing_keeps_both_texts(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    model = window.entry_list.model
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)
    first = window.desk.entry
    _type_at_end(qtbot, window, " Roped up at six.")
    # Switch before the idle timer fires: the save of the first entry must carry its own text.
    window.entry_list.view.setCurrentIndex(model.index(1, 0))
    qtbot.waitUntil(lambda: window.desk.entry.id != first.id, timeout=5000)
    second = window.desk.entry
    assert "Roped up" not in window.editor.toPlainText()
    _type_at_end(qtbot, window, " Rye flour helps.")
    window.entry_list.view.setCurrentIndex(model.index(0, 0))
    qtbot.waitUntil(lambda: window.desk.entry.id == first.id, timeout=5000)
    assert window.editor.toPlainText().endswith("Roped up at six.")
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    assert _stored_body(seeded_db, first.title).endswith("the ice groaned. Roped up at six.")
    assert _stored_body(seeded_db, second.title).endswith("overnight. Rye flour helps.")


def test_quitting_right_after_typing_saves(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    title = window.desk.entry.title
    _type_at_end(qtbot, window, " Last words before quitting.")
    window.metadata.category.setEditText("Alpine")
    window.close()  # no idle pause: closing must flush and wait
    assert window._closed
    assert _stored_body(seeded_db, title).endswith("Last words before quitting.")
    found = json.loads(cli(seeded_db, "list", "--json").stdout)
    assert {e["title"]: e["category"] for e in found}[title] == "Alpine"


def test_metadata_fields_are_saved_like_the_body(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    names = ["titleField", "categoryField", "statusField", "dateField", "volumeField",
             "elevationField", "tagsField", "wordCountLabel", "saveStateLabel", "entryList",
             "entrySearch", "editor", "preview"]
    for name in names:
        widget = window.findChild(object, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    meta = window.metadata
    meta.title.setFocus()
    meta.title.selectAll()
    qtbot.keyClicks(meta.title, "Crossing the Aletsch")
    meta.elevation.setValue(3454)
    meta.status.setCurrentIndex(meta.status.findData("draft"))
    meta.status.activated.emit(meta.status.currentIndex())
    qtbot.keyClicks(meta.tags, ", glacier")
    qtbot.waitUntil(lambda: window.save_state_label.text() == "Saved"
                    and not window.desk.saver.has_unsaved(), timeout=5000)
    stored = {e["title"]: e for e in json.loads(cli(seeded_db, "list", "--json").stdout)}
    entry = stored["Crossing the Aletsch"]
    assert entry["elevation"] == 3454
    assert entry["status"] == "draft"
    assert entry["tags"] == ["alps", "ice", "glacier"] or set(entry["tags"]) == {"alps", "ice", "glacier"}
    # the list shows the new title without a query
    assert window.entry_list.model.summary_at(0).title == "Crossing the Aletsch"


def test_ctrl_s_keeps_a_manual_revision(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    _type_at_end(qtbot, window, " Snapshot me.")
    qtbot.keyClick(window.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    services = open_services(seeded_db)
    try:
        revisions = services.entries.revisions(window.desk.entry.id)
    finally:
        services.close()
    assert any(r.reason == "manual" and r.body.endswith("Snapshot me.") for r in revisions)


def test_the_preview_header_follows_the_reading_time_as_the_text_grows(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    model = window.entry_list.model
    row = next(r for r in range(model.rowCount()) if model.summary_at(r).title == "Sourdough notes")
    window.entry_list.view.setCurrentIndex(model.index(row, 0))
    preview = window.preview
    qtbot.waitUntil(lambda: "Sourdough notes" in preview.property("renderedHtml")
                    and "1 min read" in preview.property("renderedHtml"), timeout=15000)

    # 4 words stored; a pasted paragraph brings the body to 230 words, still one minute...
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.insertPlainText("\n\n" + " ".join(["word"] * 226))
    qtbot.waitUntil(lambda: window.word_count_label.text() == "230 words · 1 min read", timeout=5000)
    assert "1 min read" in preview.property("renderedHtml")
    # ...and the 231st typed word makes it two, on the page as in the status bar.
    _type_at_end(qtbot, window, " more")
    qtbot.waitUntil(lambda: window.word_count_label.text() == "231 words · 2 min read", timeout=5000)
    qtbot.waitUntil(lambda: "2 min read" in preview.property("renderedHtml"), timeout=15000)
    assert "1 min read" not in preview.property("renderedHtml")


def test_the_preview_follows_the_editor_down_a_long_entry(open_window, db_path, qtbot):
    window = open_window(db_path)
    paragraphs = "\n\n".join(f"Paragraph {n} of a long walk, with enough words to take a line." for n in range(300))
    window.editor.setPlainText(paragraphs)  # typed or pasted: the preview gets it as an edit
    preview = window.preview
    qtbot.waitUntil(lambda: "Paragraph 299" in preview.property("renderedHtml"), timeout=15000)

    def preview_top() -> float:
        seen: list[float] = []
        preview.page().runJavaScript("window.scrollY", WORLD, seen.append)  # main-world JS is off
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)
        return float(seen[0])

    assert preview_top() == 0
    block = window.editor.document().findBlockByNumber(400)  # "Paragraph 200"
    window.editor.verticalScrollBar().setValue(block.firstLineNumber())
    qtbot.waitUntil(lambda: preview_top() > 1000, timeout=5000)


def test_a_long_entry_is_counted_again_soon_after_it_opens(open_window, seeded_db, qtbot):
    # Counted on opening, a long entry's paragraphs are already known to the saves that follow.
    import sqlite3

    from fieldnotes_desktop.records import EntryFields

    body = "\n\n".join(f"Paragraph {n} of the long walk north." for n in range(4_000))
    services = open_services(seeded_db)
    try:
        entry_id = services.entries.create(EntryFields(title="The long walk", body=body)).id
    finally:
        services.close()
    with sqlite3.connect(seeded_db) as db:
        db.execute("UPDATE entries SET words = 3 WHERE id = ?", (entry_id,))  # a stale stored count
    window = open_window(seeded_db)
    window.desk.open_entry(entry_id)
    qtbot.waitUntil(lambda: window.word_count_label.text().startswith("3 words"), timeout=5000)
    qtbot.waitUntil(lambda: window.word_count_label.text() == "28,000 words · 122 min read", timeout=10000)
