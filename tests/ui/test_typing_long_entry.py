"""Typing into a long entry in the real window: edits travel as lines, and the page stays the export's."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.export import PreviewPage
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.render import SectionRenderer
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.highlighter import LAZY_BLOCKS


def long_body() -> str:
    parts = []
    for n in range(LAZY_BLOCKS // 4 + 100):
        parts.append(f"## Part {n}\n\nOn day {n} the *wind* turned, and we waited at camp {n}.\n\n")
        if n % 50 == 0:
            parts.append(f"```\nlog {n}\n```\n\n")
    return "".join(parts)


def test_typing_in_a_long_entry_renders_only_around_the_keys(open_window, db_path: Path, qtbot) -> None:
    services = open_services(db_path)
    body = long_body()
    entry = services.entries.create(EntryFields(title="The long one", body=body))
    services.close()
    window = open_window(db_path)
    preview = window.preview
    if window.desk.entry is None or window.desk.entry.id != entry.id:
        window.desk.open_entry(entry.id)
    qtbot.waitUntil(lambda: window.desk.entry is not None and window.desk.entry.id == entry.id
                    and preview.stats.complete and preview.stats.shown_chars == len(body), timeout=30000)
    renders = preview.stats.whole_renders

    editor = window.editor
    cursor = editor.textCursor()
    cursor.setPosition(body.index("we waited at camp 700"))
    editor.setTextCursor(cursor)
    editor.setFocus()
    qtbot.keyClicks(editor, "zebra ")
    qtbot.waitUntil(lambda: "zebra we waited at camp 700" in preview.rendered_html(), timeout=15000)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "\rA new line below.")
    qtbot.waitUntil(lambda: "A new line below." in preview.rendered_html(), timeout=15000)
    assert preview.stats.whole_renders == renders, "each key re-rendered the whole entry"

    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=10000)
    services = open_services(db_path)
    saved = services.entries.get(entry.id).body
    services.close()
    assert "zebra we waited at camp 700" in saved and "A new line below." in saved
    page = PreviewPage()
    exported = page.body_html(SectionRenderer(image_url=lambda ref: None).render(saved))
    assert exported in preview.rendered_html()
