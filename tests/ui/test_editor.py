"""The editor: per-block highlighting, find and replace, images, focus mode and themes."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.services.publish import ExportOptions
from fieldnotes_desktop.ui.editor import MarkdownEditor
from fieldnotes_desktop.ui.metadata import TITLE_TEXT_INSET
from fieldnotes_desktop.ui.theme import ThemeMode


def _book(paragraphs: int) -> str:
    chunk = ("## A heading\n\nSome *prose* with **weight**, `code` and [a link](https://x.org).\n\n"
             "> a quote\n\n- a list item\n\n```python\nprint('fenced')\n```\n\n")
    return chunk * paragraphs


def _cost_of_one_keystroke(qtbot, paragraphs: int) -> int:  # type: ignore[no-untyped-def]
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    editor.set_text(_book(paragraphs))
    cursor = editor.textCursor()
    cursor.setPosition(len(editor.toPlainText()) // 2)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.setTextCursor(cursor)
    editor.highlighter.blocks_highlighted = 0
    editor.insertPlainText("x")
    return editor.highlighter.blocks_highlighted


def test_a_keystroke_rehighlights_the_same_few_blocks_at_any_length(qtbot):
    small = _cost_of_one_keystroke(qtbot, 10)
    large = _cost_of_one_keystroke(qtbot, 4000)  # ~50k lines
    assert small == large <= 2


def test_opening_a_fence_rehighlights_following_blocks_and_closing_it_stops(qtbot):
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    editor.set_text("before\n\ninside?\n\n# still a heading\n")
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    editor.setTextCursor(cursor)
    editor.insertPlainText("```\n")
    heading = editor.document().findBlockByNumber(5)
    assert heading.text() == "# still a heading"
    assert heading.userState() & 0x10000  # now inside the unclosed fence
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.insertPlainText("```")
    last = editor.document().lastBlock()
    assert last.userState() == 0


def test_find_replace_and_replace_all_is_one_undo_step(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.editor.set_text("ice and more ice and Ice")
    window.commands.replace.trigger()
    bar = window.find_bar
    assert bar.isVisible() and bar.replace_field.isVisible()
    bar.find_field.setText("ice")
    bar.match_case.setChecked(True)
    assert bar.find_next()
    bar.replace_field.setText("snow")
    assert bar.replace_all() == 2
    assert window.editor.toPlainText() == "snow and more snow and Ice"
    window.editor.undo()
    assert window.editor.toPlainText() == "ice and more ice and Ice"
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Escape)
    assert not bar.isVisible()


def test_pasting_an_image_stores_an_asset_and_inserts_markdown(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("#b5562d"))
    mime = QMimeData()
    mime.setImageData(image)
    window.editor.insertFromMimeData(mime)
    qtbot.waitUntil(lambda: "](assets/pasted-image.png)" in window.editor.toPlainText(), timeout=5000)
    assert window.editor.toPlainText().endswith("![pasted image](assets/pasted-image.png)")
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    window.close()
    services = open_services(seeded_db)
    try:
        asset = services.assets.find("assets/pasted-image.png")
        assert asset is not None and asset.mime == "image/png"
        assert services.assets.data(asset.sha256).startswith(b"\x89PNG")
    finally:
        services.close()


def test_dropping_an_image_file_reads_it_off_thread(open_window, seeded_db, qtbot, tmp_path: Path):
    window = open_window(seeded_db)
    photo = tmp_path / "summit view.png"
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    image.save(str(photo))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    assert window.editor.canInsertFromMimeData(mime)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.insertFromMimeData(mime)
    # A space ends a plain destination: between < and > the image parses, and is published.
    qtbot.waitUntil(lambda: "![summit view](<assets/summit view.png>)" in window.editor.toPlainText(),
                    timeout=5000)
    assert window.editor.textCursor().selectedText() == "summit view"  # to type the real alt text over
    qtbot.keyClicks(window.editor, "The summit at noon")
    assert "![The summit at noon](<assets/summit view.png>)" in window.editor.toPlainText()
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    services = open_services(seeded_db)
    try:
        entry = services.entries.get(window.desk.entry.id)
        services.entries.update(entry.id, EntryFields(status="finished"))
        services.exports.export(ExportOptions(out=tmp_path / "site"))
    finally:
        services.close()
    page = (tmp_path / "site" / entry.slug / "index.html").read_text()
    assert re.search(r'<img[^>]+alt="The summit at noon"', page)
    assert len(list((tmp_path / "site" / "assets").glob("*.png"))) == 1


def test_focus_mode_keeps_the_title_the_text_and_its_word_count(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.metadata.details_toggle.setChecked(True)
    window.commands.focus_mode.trigger()
    hidden = (window.entry_list, window.preview, window.metadata.details, window.metadata.details_toggle,
              window.menuBar())
    assert all(not w.isVisible() for w in hidden)
    kept = (window.editor, window.metadata.title, window.word_count_label)
    assert all(w.isVisible() for w in kept)
    qtbot.wait(50)  # the layout settles
    title_x = window.metadata.title.mapTo(window, QPoint(0, 0)).x() + TITLE_TEXT_INSET
    text_x = window.editor.mapTo(window, QPoint(0, 0)).x() + window.editor.column_left()
    assert abs(title_x - text_x) <= 2  # the title stands over the text's column
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)
    assert all(w.isVisible() for w in hidden)  # the details come back as they were: open


def test_f11_is_full_screen_and_escape_leaves_it(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.commands.full_screen.trigger()
    qtbot.waitUntil(window.isFullScreen, timeout=3000)
    assert window.entry_list.isVisible() and window.preview.isVisible()  # full screen is not focus mode
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=3000)
    assert not window.commands.full_screen.isChecked()


def test_dark_theme_reaches_the_editor_and_the_preview(open_window, seeded_db, qtbot, monkeypatch):
    window = open_window(seeded_db)
    seen = []
    monkeypatch.setattr(window.preview, "set_dark", seen.append)
    window.commands.theme_dark.trigger()
    assert seen == [True]
    assert window.theme.colors.dark
    assert window.editor.palette().color(window.editor.backgroundRole()).lightness() < 80
    window.commands.theme_light.trigger()
    assert seen == [True, False]
    assert window.state.theme() is ThemeMode.LIGHT


def test_typing_stays_fast_in_a_long_entry(open_window, db_path, qtbot):
    window = open_window(db_path)
    window.editor.set_text(_book(2500))  # ~180k characters
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.desk.saver.body_changed()
    start = time.perf_counter()
    for _ in range(20):
        QPlainTextEdit.insertPlainText(window.editor, "w")
    per_key = (time.perf_counter() - start) / 20
    assert per_key < 0.02, f"{per_key * 1000:.1f} ms per keystroke"


def _wrapped_editor(qtbot) -> MarkdownEditor:  # type: ignore[no-untyped-def]
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    editor.resize(420, 500)
    editor.show()
    editor.set_text("A paragraph long enough to wrap over several lines of the editor, "
                    "because a writer's paragraphs run on and on without a break.\n\nNext.")
    qtbot.waitExposed(editor)
    return editor


def _line_tops(editor: MarkdownEditor) -> list[int]:
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    tops = []
    for _ in range(3):
        editor.setTextCursor(cursor)
        tops.append(editor.cursorRect().top())
        cursor.movePosition(QTextCursor.MoveOperation.Down)
    return tops


def test_wrapped_lines_have_room_between_them(qtbot):
    editor = _wrapped_editor(qtbot)
    assert editor.document().firstBlock().layout().lineCount() >= 3
    tops = _line_tops(editor)
    natural = QFontMetricsF(editor.font()).height()
    assert tops[1] - tops[0] >= 1.3 * natural and tops[2] - tops[1] >= 1.3 * natural
    assert editor.cursorRect().height() < 1.2 * natural  # the cursor keeps the text's height


def test_a_click_between_two_lines_lands_on_the_nearest_line_at_that_x(qtbot):
    editor = _wrapped_editor(qtbot)
    tops = _line_tops(editor)
    second = editor.document().firstBlock().layout().lineAt(1)
    x = editor.cursorRect().left() + 120
    just_above_second_line = tops[1] - 2
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(x), just_above_second_line))
    column = editor.textCursor().position() - second.textStart()
    assert editor.textCursor().block().blockNumber() == 0
    assert 0 < column < second.textLength()  # at the word under the pointer, not the line's start


def test_a_wide_editor_settles_its_margins_in_one_pass(qtbot):
    """Focus mode at 1600 pixels once recursed through resizeEvent until the stack overflowed."""
    depth = [0, 0]

    class Counting(MarkdownEditor):
        def resizeEvent(self, event):  # type: ignore[no-untyped-def]  # noqa: N802
            depth[0] += 1
            depth[1] = max(depth)
            if depth[0] < 20:  # stop a runaway before it takes the test process down
                super().resizeEvent(event)
            depth[0] -= 1

    sample = Path(__file__).resolve().parents[2] / "fieldnotes_desktop/data/samples/three-nights-below-the-ridge.md"
    editor = Counting()
    qtbot.addWidget(editor)
    editor.set_text(sample.read_text(encoding="utf-8"))
    editor.resize(400, 300)
    editor.show()
    for width, height in ((1600, 1000), (1598, 968), (1500, 900), (800, 600)):
        editor.resize(width, height)
        qtbot.wait(10)
    assert depth[1] <= 3


def test_the_delete_key_deletes_a_character_in_the_text_not_the_entry(open_window, seeded_db, qtbot):
    """Delete is also "Move to trash"; in a text field it must stay an editing key."""
    from PySide6.QtWidgets import QLineEdit

    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.desk.entry is not None, timeout=5000)
    entry = window.desk.entry
    editor = window.editor
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus, timeout=2000)
    cursor = editor.textCursor()
    cursor.setPosition(0)
    editor.setTextCursor(cursor)
    before = editor.toPlainText()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert editor.toPlainText() == before[1:]
    title = window.findChild(QLineEdit, "titleField")
    title.setFocus()
    title.setCursorPosition(0)
    qtbot.keyClick(title, Qt.Key.Key_Delete)
    assert title.text() == entry.title[1:]
    qtbot.wait(300)
    assert window.desk.entry is not None and window.desk.entry.id == entry.id
    assert not window.services.entries.get(entry.id).trashed


@pytest.mark.parametrize("filename", ["summit view.jpg", "photo (1).jpg", "sn[o]w.png", "a<b>.png", "été.png", "IMG_0042.JPG"])
def test_an_image_of_any_name_is_markdown_that_finds_it(filename):
    from fieldnotes_desktop.render import SectionRenderer
    from fieldnotes_desktop.ui.image_paste import image_markdown

    asked: list[str] = []
    renderer = SectionRenderer(image_url=lambda ref: asked.append(ref) or "found.png", cache_size=0)
    html = "".join(section.html for section in renderer.render(image_markdown(filename)).sections)
    assert asked == [f"assets/{filename}"]  # the renderer hands the resolver the file's own name
    assert 'src="found.png"' in html


def test_find_counts_and_marks_every_match_and_knows_whole_words(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.editor.set_text("snow, Snow and snowfield; more snow")
    window.commands.find.trigger()
    bar = window.find_bar
    bar.find_field.setText("snow")
    assert len(window.editor.extraSelections()) == 4  # every match, marked
    assert bar.status.text() == "1 of 4"  # found as typed: the first
    assert bar.find_next() and bar.status.text() == "2 of 4"
    bar.whole_words.setChecked(True)
    assert len(window.editor.extraSelections()) == 3  # not "snowfield"
    bar.match_case.setChecked(True)
    assert len(window.editor.extraSelections()) == 2
    assert bar.find_next() and bar.status.text() in ("1 of 2", "2 of 2")
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.insertPlainText(" snow")  # typing while the bar is open: counted again
    qtbot.waitUntil(lambda: bar.status.text() == "3 matches", timeout=3000)
    bar.find_field.setText("glacier")
    assert bar.status.text() == "Not found" and window.editor.extraSelections() == []
    bar.close_bar()
    assert window.editor.extraSelections() == []


def test_find_in_a_long_text_stops_counting_at_its_limit(open_window, seeded_db, qtbot):
    from fieldnotes_desktop.ui.find_bar import MAX_MATCHES

    window = open_window(seeded_db)
    window.editor.set_text("e\n" * (MAX_MATCHES + 10))
    window.commands.find.trigger()
    window.find_bar.find_field.setText("e")
    assert window.find_bar.status.text() == f"1 of {MAX_MATCHES:,}+"
    marked = len(window.editor.extraSelections())
    assert 0 < marked < 2000  # the matches on screen, not all of them
    window.editor.verticalScrollBar().setValue(window.editor.verticalScrollBar().maximum())
    marks = window.editor.extraSelections()
    cursor = marks[-1].cursor
    assert cursor.selectionStart() > len(window.editor.toPlainText()) // 2  # scrolled down: those in view now


def test_zoom_and_the_writing_font_are_remembered_across_starts(open_window, seeded_db, qtbot, tmp_path):
    from fieldnotes_desktop.ui.editor import WRITING_POINT_SIZE

    settings = tmp_path / "zoom.ini"
    window = open_window(seeded_db, settings)
    window.editor.setFixedWidth(1400)  # room to spare beside the column
    qtbot.wait(20)
    column = window.editor.column_left()
    qtbot.keyClick(window.editor, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    window.commands.zoom_in.trigger()
    assert window.editor.font().pointSizeF() == WRITING_POINT_SIZE + 2
    assert window.editor.column_left() < column  # 72 larger characters: a wider column
    window.commands.zoom_out.trigger()
    chosen = QFont("DejaVu Serif", 15)
    window.ask_font = lambda _current: chosen  # type: ignore[method-assign]
    window.commands.editor_font.trigger()
    assert window.editor.font().families()[0] == "DejaVu Serif" and window.editor.font().pointSizeF() == 15
    window.close()
    again = open_window(seeded_db, settings)
    assert again.editor.font().families()[0] == "DejaVu Serif" and again.editor.font().pointSizeF() == 15
    again.commands.zoom_reset.trigger()
    assert again.editor.font().pointSizeF() == WRITING_POINT_SIZE
    assert again.editor.font().families()[0] == "DejaVu Serif"  # the size, not the face


def test_typewriter_scrolling_and_dimming_are_view_toggles_remembered_across_starts(open_window, seeded_db, qtbot, tmp_path):
    settings = tmp_path / "modes.ini"
    window = open_window(seeded_db, settings)
    editor = window.editor
    editor.set_text("\n\n".join(f"Paragraph {n} of the climb, with a few words to it." for n in range(200)))
    window.commands.typewriter.setChecked(True)
    window.commands.dim_others.setChecked(True)
    cursor = editor.textCursor()
    cursor.setPosition(editor.document().findBlockByNumber(200).position())  # paragraph 100
    editor.setTextCursor(cursor)
    qtbot.wait(20)
    middle = editor.viewport().height() / 2
    assert abs(editor.cursorRect().center().y() - middle) < editor.fontMetrics().height() * 2
    dimmed = editor.extraSelections()
    assert len(dimmed) == 2  # before the paragraph, and after it
    paragraph = editor.document().findBlockByNumber(200)
    assert dimmed[0].cursor.selectionEnd() == paragraph.position()
    assert dimmed[1].cursor.selectionStart() == paragraph.position() + len(paragraph.text())
    window.commands.find.trigger()
    window.find_bar.find_field.setText("Paragraph 7 ")
    assert len(editor.extraSelections()) == 3  # the find mark beside the dimming
    window.close()
    again = open_window(seeded_db, settings)
    assert again.commands.typewriter.isChecked() and again.commands.dim_others.isChecked()
    again.commands.dim_others.setChecked(False)
    assert again.editor.extraSelections() == []


def test_the_outline_leaves_out_the_comments_of_front_matter(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    window.editor.set_text("---\ntitle: Col\n# a YAML comment\n---\n\n# Part one\n\nScree.\n")
    window.commands.outline.setChecked(True)
    outline = window.outline
    assert [outline.item(i).text() for i in range(outline.count())] == ["Part one"]


def test_the_outline_lists_the_headings_follows_the_cursor_and_jumps(open_window, seeded_db, qtbot, tmp_path):
    settings = tmp_path / "outline.ini"
    window = open_window(seeded_db, settings)
    editor, outline = window.editor, window.outline
    editor.set_text(
        "Opening words.\n\n## The approach\n\nScree.\n\n```bash\n# not a heading\n```\n\n"
        "### Camp one\n\nTents.\n\n## The summit ##\n\nWind.\n"
    )
    window.commands.outline.setChecked(True)
    assert outline.isVisible()
    assert [outline.item(i).text() for i in range(outline.count())] == ["The approach", "    Camp one", "The summit"]
    cursor = editor.textCursor()
    cursor.setPosition(editor.document().findBlockByNumber(12).position())  # "Tents."
    editor.setTextCursor(cursor)
    assert outline.currentRow() == 1
    outline.itemClicked.emit(outline.item(2))
    assert editor.textCursor().block().text() == "## The summit ##" and editor.hasFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.insertPlainText("\n## After\n")
    qtbot.waitUntil(lambda: outline.count() == 4, timeout=3000)  # read again once typing pauses
    window.commands.focus_mode.trigger()
    assert not outline.isVisible()  # focus mode: only the title and the text
    window.commands.focus_mode.trigger()
    assert outline.isVisible()
    window.close()
    again = open_window(seeded_db, settings)
    assert again.commands.outline.isChecked() and again.outline.isVisible()
