"""Markdown a writer types by key: emphasis, links and code around the selection, lists that continue.

Each function works on a `QTextCursor` of the editor's document as one undo step, and says
whether it did anything (a key it does not handle keeps its ordinary meaning).
"""

from __future__ import annotations

import re

from PySide6.QtGui import QTextCursor, QTextDocument

# A list item or a quote at the start of a line: indent, marker, a task box, then the text.
_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<bullet>[-*+])|(?P<number>\d{1,9})(?P<delim>[.)]))(?P<gap>[ \t]+)(?P<task>\[[ xX]\][ \t]+)?")
_QUOTE = re.compile(r"^(?P<indent>[ \t]*)(?P<marks>(?:>[ \t]?)+)")
LINK_PLACEHOLDER = "https://"


def toggle_around(cursor: QTextCursor, marker: str) -> bool:
    """Puts `marker` on both sides of the selection (`**bold**`), or takes it away when it is there.

    With nothing selected, the pair goes in with the cursor between, ready for the words.
    """
    document = cursor.document()
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    width = len(marker)
    before = _text(document, start - width, start) if start >= width else ""
    after = _text(document, end, end + width)
    selected = cursor.selectedText()
    cursor.beginEditBlock()
    try:
        if selected.startswith(marker) and selected.endswith(marker) and len(selected) >= 2 * width:
            inner = selected[width : len(selected) - width]
            cursor.insertText(inner)
            _select(cursor, start, start + len(inner))
        elif before == marker and after == marker:
            _select(cursor, start - width, end + width)
            cursor.insertText(selected)
            _select(cursor, start - width, end - width)
        else:
            cursor.insertText(marker + selected + marker)
            _select(cursor, start + width, end + width)
    finally:
        cursor.endEditBlock()
    return True


def link_around(cursor: QTextCursor) -> bool:
    """`[selection](https://)`, the address selected to type over; a selected address becomes the target."""
    start = cursor.selectionStart()
    selected = cursor.selectedText()
    cursor.beginEditBlock()
    try:
        if re.fullmatch(r"(?:https?://|mailto:)\S+", selected):
            cursor.insertText(f"[]({selected})")
            _select(cursor, start + 1, start + 1)
        else:
            cursor.insertText(f"[{selected}]({LINK_PLACEHOLDER})")
            at = start + len(selected) + 3
            _select(cursor, at, at + len(LINK_PLACEHOLDER))
    finally:
        cursor.endEditBlock()
    return True


def code_around(cursor: QTextCursor) -> bool:
    """Inline code for a selection within a line; a fenced block for lines, or for nothing selected
    on an empty line."""
    selected = cursor.selectedText()
    multi_line = "\u2029" in selected
    on_empty_line = not selected and not cursor.block().text().strip()
    if not multi_line and not on_empty_line:
        return toggle_around(cursor, "`")
    start = cursor.selectionStart()
    body = selected.replace("\u2029", "\n")
    cursor.beginEditBlock()
    try:
        cursor.insertText(f"```\n{body}\n```" if body else "```\n\n```")
        _select(cursor, start + 4, start + 4 + len(body))
    finally:
        cursor.endEditBlock()
    return True


def continue_block(cursor: QTextCursor) -> bool:
    """Enter in a list item or a quote: the next line starts as the next item (numbers count on,
    a done task starts open). Enter on an item with nothing in it ends the list there."""
    if cursor.hasSelection():
        return False
    block = cursor.block()
    line = block.text()
    column = cursor.positionInBlock()
    item = _ITEM.match(line)
    quote = None if item else _QUOTE.match(line)
    found = item or quote
    if found is None or column < found.end():
        return False
    cursor.beginEditBlock()
    try:
        if not line[found.end():].strip():  # an empty item: the list (or quote) ends here
            _select(cursor, block.position(), block.position() + len(line))
            cursor.insertText("")
            return True
        if item is not None:
            number = item.group("number")
            marker = item.group("bullet") or f"{int(number) + 1}{item.group('delim')}"
            task = "[ ] " if item.group("task") else ""
            prefix = f"{item.group('indent')}{marker}{item.group('gap')}{task}"
        else:
            prefix = found.group(0)
        cursor.insertText("\n" + prefix)
    finally:
        cursor.endEditBlock()
    return True


def indent_items(cursor: QTextCursor, outdent: bool = False) -> bool:
    """Tab and Shift+Tab on list items: each line of the selection moves by its marker's width,
    so an item nests under the one above it. Lines that are not items keep Tab's meaning."""
    document = cursor.document()
    first = document.findBlock(cursor.selectionStart())
    last = document.findBlock(cursor.selectionEnd())
    blocks = []
    block = first
    while block.isValid():
        blocks.append(block)
        if block == last:
            break
        block = block.next()
    items = [(b, _ITEM.match(b.text())) for b in blocks]
    if not all(match for _, match in items):
        return False
    anchor, position = cursor.anchor(), cursor.position()
    cursor.beginEditBlock()
    try:
        for block, match in items:
            assert match is not None  # every line was checked above
            width = len(match.group(0)) - len(match.group("indent")) - len(match.group("task") or "")
            edit = QTextCursor(block)
            if outdent:
                indent = match.group("indent")
                remove = min(len(indent), width) if not indent.startswith("\t") else 1
                if remove:
                    edit.setPosition(block.position() + remove, QTextCursor.MoveMode.KeepAnchor)
                    edit.removeSelectedText()
            else:
                edit.insertText(" " * width)
    finally:
        cursor.endEditBlock()
    if anchor == position:  # the caret stays on its word
        line = cursor.block()
        cursor.setPosition(max(line.position(), min(cursor.position(), line.position() + line.length() - 1)))
    return True


def _text(document: QTextDocument, start: int, end: int) -> str:
    probe = QTextCursor(document)
    probe.setPosition(max(0, start))
    probe.setPosition(min(end, document.characterCount() - 1), QTextCursor.MoveMode.KeepAnchor)
    return probe.selectedText()


def _select(cursor: QTextCursor, start: int, end: int) -> None:
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
