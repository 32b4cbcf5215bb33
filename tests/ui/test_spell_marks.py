"""The spell check's underlines in the editor: prose only, exactly the word, per block, and not while it is typed."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextBlock, QTextCharFormat, QTextCursor

from fieldnotes_desktop.render.spelling import Speller, Unavailable, checked_words, load_speller
from fieldnotes_desktop.ui.editor import MarkdownEditor
from fieldnotes_desktop.ui.highlighter import LAZY_BLOCKS

SPELLCHECK = QTextCharFormat.UnderlineStyle.SpellCheckUnderline


@pytest.fixture(scope="module")
def english() -> Speller:
    speller = load_speller("en")
    assert not isinstance(speller, Unavailable), speller.reason  # dev.sh installs libenchant-2-2 and hunspell-en-us
    return speller


def underlined(block: QTextBlock) -> list[tuple[int, int]]:
    """(start, end) of each underlined run of the block, runs side by side joined."""
    spans: list[list[int]] = []
    for r in sorted(block.layout().formats(), key=lambda r: r.start):
        if r.format.underlineStyle() != SPELLCHECK:
            continue
        if spans and spans[-1][1] == r.start:
            spans[-1][1] = r.start + r.length
        else:
            spans.append([r.start, r.start + r.length])
    return [(a, b) for a, b in spans]


def marks(editor: MarkdownEditor) -> dict[str, list[str]]:
    """Each block's text → the words underlined in it."""
    found = {}
    block = editor.document().firstBlock()
    while block.isValid():
        found[block.text()] = [block.text()[a:b] for a, b in underlined(block)]
        block = block.next()
    return found


def editor_with(qtbot, text: str, speller: Speller | None) -> MarkdownEditor:  # type: ignore[no-untyped-def]
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    editor.resize(900, 700)
    editor.show()
    editor.set_text(text)
    editor.set_speller(speller)
    return editor


def test_a_misspelled_prose_word_is_underlined_at_exactly_its_range(qtbot, english) -> None:
    editor = editor_with(qtbot, "The glacier wrold groaned at dawn.", english)
    block = editor.document().firstBlock()
    assert underlined(block) == [(12, 17)]
    under = [r for r in block.layout().formats() if r.format.underlineStyle() == SPELLCHECK]
    assert all(r.format.underlineColor().isValid() for r in under)


def test_only_prose_is_checked(qtbot, english) -> None:
    text = "\n".join([
        "---",
        "title: Wrold in the front matter",
        "---",
        "# A heading with a wrold",
        "Prose wrold, `wrold` in code, and ``a wrold`` too.",
        "A [wrold link](https://example.org/wrold \"wrold\") and ![an wrold image](img/wrold.png).",
        "An angle link <https://wrold.example/wrold> and a bare https://wrold.example/wrold one.",
        "Some <span class=\"wrold\">tagged</span> text and <!-- a wrold comment -->.",
        "A footnote[^wrold] and a [reference][wrold].",
        "[wrold]: https://example.org/wrold",
        "[^wrold]: The wrold note.",
        "```",
        "wrold in a fence",
        "```",
        "",
        "    wrold indented code",
        "",
        "Names and acronyms: GitHub, NASA, mp3, max_size, notes.md, me@wrold.org, e.g. this.",
    ])
    editor = editor_with(qtbot, text, english)
    assert {line: words for line, words in marks(editor).items() if words} == {
        "# A heading with a wrold": ["wrold"],
        "Prose wrold, `wrold` in code, and ``a wrold`` too.": ["wrold"],
        "A [wrold link](https://example.org/wrold \"wrold\") and ![an wrold image](img/wrold.png).": ["wrold", "wrold"],
        "[^wrold]: The wrold note.": ["wrold"],
    }


def test_the_same_text_without_a_speller_has_no_underline(qtbot, english) -> None:
    editor = editor_with(qtbot, "Prose wrold.", english)
    assert underlined(editor.document().firstBlock())
    editor.set_speller(None)
    assert underlined(editor.document().firstBlock()) == []


def test_a_bold_misspelled_word_keeps_its_weight_under_the_underline(qtbot, english) -> None:
    editor = editor_with(qtbot, "Some **wrold** here.", english)
    block = editor.document().firstBlock()
    assert underlined(block) == [(7, 12)]
    inside = [r for r in block.layout().formats() if r.start <= 7 < r.start + r.length and
              r.format.underlineStyle() == SPELLCHECK]
    assert inside and inside[0].format.fontWeight() > 400


def test_an_emoji_before_the_word_does_not_shift_the_underline(qtbot, english) -> None:
    editor = editor_with(qtbot, "Up 🏔 the wrold.", english)
    block = editor.document().firstBlock()
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + underlined(block)[0][0])
    cursor.setPosition(block.position() + underlined(block)[0][1], QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "wrold"


def test_the_word_being_typed_is_underlined_once_it_is_done(qtbot, english) -> None:
    editor = editor_with(qtbot, "Crampons on.", english)
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    for key in " glaicer":
        qtbot.keyClick(editor, key)
    block = editor.document().firstBlock()
    assert underlined(block) == []  # still being written
    qtbot.keyClick(editor, " ")
    assert underlined(block) == [(13, 20)]
    editor.moveCursor(QTextCursor.MoveOperation.End)
    for key in "wrold":
        qtbot.keyClick(editor, key)
    editor.moveCursor(QTextCursor.MoveOperation.Start)  # the cursor leaves: the word is done
    assert underlined(block) == [(13, 20), (21, 26)]


def test_a_book_is_checked_only_where_it_is_seen(qtbot, english) -> None:
    chapter = "# Camp\n\nThe wrold was quiet and the rope was cold.\n\n"
    editor = editor_with(qtbot, chapter * (LAZY_BLOCKS // 4 + 50), None)
    editor.highlighter.blocks_highlighted = 0
    editor.set_speller(english)
    on_screen = editor.highlighter.blocks_highlighted
    assert 0 < on_screen < 100  # the blocks in view, not the 13,000 of the text
    document = editor.document()
    assert underlined(document.findBlockByNumber(2)) == [(4, 9)]
    last = document.lastBlock().previous().previous()
    assert last.text().startswith("The wrold") and underlined(last) == []
    editor.verticalScrollBar().setValue(editor.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: underlined(last) == [(4, 9)], timeout=5000)


def test_words_are_found_as_a_writer_reads_them() -> None:
    text = "Don't stop: a well-known x-ray, _emphasis_, 2nd, e.g., CSS or iPhone."
    assert [word for _start, _end, word in checked_words(text)] == [
        "Don't", "stop", "well-known", "x-ray", "emphasis", "or"]
