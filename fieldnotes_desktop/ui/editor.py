"""The Markdown editor: a plain-text widget with a writer's font and spacing, a centred column, image paste,
and the spell check's underlines and context menu."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMargins, QMimeData, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction, QColor, QContextMenuEvent, QFont, QFontMetricsF, QImage, QKeyEvent, QMouseEvent, QResizeEvent,
    QTextCharFormat, QTextCursor, QTextDocument,
)
from PySide6.QtWidgets import QFrame, QMenu, QPlainTextEdit, QTextEdit, QWidget

from fieldnotes_desktop.render.spelling import Speller
from fieldnotes_desktop.ui import markdown_editing as editing
from fieldnotes_desktop.ui.highlighter import MarkdownHighlighter
from fieldnotes_desktop.ui.line_spacing import SpacedLineLayout, snapped_to_line
from fieldnotes_desktop.ui.theme import Colors

# A duospaced/monospaced writing face where one is installed, else the common Linux fallbacks.
WRITING_FAMILIES = [
    "iA Writer Quattro S", "iA Writer Duo S", "IBM Plex Mono", "JetBrains Mono",
    "Cascadia Mono", "SF Mono", "Menlo", "Consolas", "DejaVu Sans Mono", "Liberation Mono",
    "monospace",
]
WRITING_POINT_SIZE = 12.0
MIN_POINT_SIZE, MAX_POINT_SIZE = 8.0, 32.0
LINE_SPACING = 1.4  # of the font's own line height: prose, not a code listing
COLUMN_CHARACTERS = 72
SIDE_MARGIN = 28  # a comfortable measure for reading back what you wrote
TOP_MARGIN = 18
SCROLL_SETTLE_MS = 120  # the preview follows the editor once a scroll or a jump pauses
_MARKERS = {"bold": "**", "italic": "*"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")


@dataclass(frozen=True, slots=True)
class ImageSource:
    """An image the writer pasted or dropped: raw bytes, or a local file to read off-thread."""

    name: str
    mime: str
    data: bytes | None = None
    path: Path | None = None

    def read(self) -> bytes:
        """The image's bytes, reading the file if it is one (so: off the GUI thread)."""
        if self.data is not None:
            return self.data
        assert self.path is not None  # every ImageSource is made with data or a path
        return self.path.read_bytes()


def writing_font() -> QFont:
    font = QFont()
    font.setFamilies(WRITING_FAMILIES)
    font.setPointSizeF(WRITING_POINT_SIZE)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


class MarkdownEditor(QPlainTextEdit):
    """Text in a centred column; images pasted or dropped come out as `images_received`."""

    images_received = Signal(object, object)  # list[ImageSource], QTextCursor where to insert
    scrolled_to_line = Signal(int)  # the source line now at the top, once scrolling pauses
    column_moved = Signal(int)  # where the text column starts, in pixels from the editor's left

    def column_left(self) -> int:
        return self.viewportMargins().left() + int(self.document().documentMargin())

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        document = QTextDocument(self)
        document.setDocumentLayout(SpacedLineLayout(document, LINE_SPACING))
        self.setDocument(document)
        self.setObjectName("editor")
        self.setAccessibleName("Entry text")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFont(writing_font())
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTabChangesFocus(False)
        self.setCursorWidth(2)
        self.setPlaceholderText("Start writing…")
        self.document().setDocumentMargin(6)
        metrics = QFontMetricsF(self.font())
        self.setTabStopDistance(metrics.horizontalAdvance(" ") * 4)
        self._column_width = metrics.horizontalAdvance("n") * COLUMN_CHARACTERS
        self.highlighter = MarkdownHighlighter(self.document())
        self.highlighter.typing_at = lambda: self.textCursor().position()
        # Actions for the word under the context menu (the spell check's), listed above Qt's own.
        self.word_actions: Callable[[QTextCursor, QMenu], list[QAction]] | None = None
        self._scroll_settled = QTimer(self, singleShot=True, interval=SCROLL_SETTLE_MS)
        self._scroll_settled.timeout.connect(self._on_scroll_settled_timeout)
        self.verticalScrollBar().valueChanged.connect(self._on_vertical_scroll_bar_value_changed)
        self._typewriter = self._dimming = False
        self._dimmed: tuple[int, int] | None = None
        self._dim_color = "#9a958c"
        self._marks: dict[str, list[QTextEdit.ExtraSelection]] = {"dim": [], "find": []}
        self.cursorPositionChanged.connect(self._on_cursor_position_changed)
        self.textChanged.connect(self._on_text_changed_for_dimming)

    def set_colors(self, colors: Colors) -> None:
        self.highlighter.set_colors(colors)
        self._dim_color = colors.faint
        self._dim_current()

    # -- writing modes: the line kept mid-screen, all but the paragraph dimmed ----------------

    def set_typewriter(self, on: bool) -> None:
        """Typewriter scrolling: the line being written stays in the middle of the editor."""
        self._typewriter = on
        self.setCenterOnScroll(on)  # the last lines too can come up to the middle
        if on:
            self.centerCursor()

    def set_dimming(self, on: bool) -> None:
        """Every paragraph but the one being written is drawn faint."""
        self._dimming = on
        self._dim_current()

    def set_marks(self, layer: str, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Extra selections by layer ("find", "dim"), drawn together: each owner replaces its own."""
        self._marks[layer] = selections
        self.setExtraSelections([mark for marks in self._marks.values() for mark in marks])

    def set_speller(self, speller: Speller | None) -> None:
        """Underlines misspelled prose with `speller` (None: no spell check), from the blocks in view on."""
        self.highlighter.set_speller(speller)
        self._highlight_visible()

    def _on_cursor_position_changed(self) -> None:
        held = self.highlighter.held
        if held is not None and held[1] != self.textCursor().position():
            self.highlighter.held = None  # the word typed last is done: check it now
            self.highlighter.rehighlightBlock(self.document().findBlock(held[0]))
        if self._typewriter:
            self.centerCursor()
        if self._dimming:
            self._dim_current()

    def _dim_current(self) -> None:
        if not self._dimming:
            if self._marks.get("dim"):
                self.set_marks("dim", [])
            return
        start, end = paragraph_around(self.textCursor())
        if (start, end) == self._dimmed:
            return
        self._dimmed = (start, end)
        faint = QTextCharFormat()
        faint.setForeground(QColor(self._dim_color))
        marks = []
        for low, high in ((0, start), (end, self.document().characterCount() - 1)):
            if high > low:
                cursor = QTextCursor(self.document())
                cursor.setPosition(low)
                cursor.setPosition(high, QTextCursor.MoveMode.KeepAnchor)
                mark = QTextEdit.ExtraSelection()
                mark.cursor = cursor
                mark.format = faint
                marks.append(mark)
        self.set_marks("dim", marks)

    def set_text(self, text: str) -> None:
        """Replaces the text; undo history starts afresh with the new entry."""
        self.highlighter.begin_load(text)
        self.setPlainText(text)
        self.highlighter.end_load()
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self._highlight_visible()

    def _highlight_visible(self) -> None:
        first = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(first).translated(self.contentOffset()).top()
        self.highlighter.highlight_visible(first, top, float(self.viewport().height()))

    def insert_at(self, cursor: QTextCursor, text: str) -> None:
        cursor.insertText(text)
        self.setTextCursor(cursor)

    # -- layout: a centred column with generous margins --------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        # Margins first: the text is wrapped to the viewport width as the resize is handled.
        # From the editor's own width, never `event.size()`: the scroll area also forwards the
        # viewport's resizes here, and margins taken from the viewport resize it again, and
        # again (a stack overflow on entering focus mode at 1600 pixels).
        self._place_column()
        super().resizeEvent(event)
        self._highlight_visible()

    def _place_column(self) -> None:
        spare = max(0.0, self.width() - self._column_width - 2 * SIDE_MARGIN)
        side = int(SIDE_MARGIN + spare / 2)
        margins = QMargins(side, TOP_MARGIN, side, TOP_MARGIN)
        if self.viewportMargins() != margins:
            self.setViewportMargins(margins)
            self.column_moved.emit(side + int(self.document().documentMargin()))

    # -- the writing face: its family, and its size (View ▸ Zoom) ----------------------------

    def set_writing_font(self, family: str | None = None, size: float | None = None) -> None:
        """The writing face in `family` (None: the house choice) at `size` points, within
        `MIN_POINT_SIZE`…`MAX_POINT_SIZE`; the column stays 72 characters of it wide."""
        font = writing_font()
        if family:
            font.setFamilies([family, *WRITING_FAMILIES])
        font.setPointSizeF(min(MAX_POINT_SIZE, max(MIN_POINT_SIZE, size or WRITING_POINT_SIZE)))
        self.setFont(font)
        metrics = QFontMetricsF(font)
        self.setTabStopDistance(metrics.horizontalAdvance(" ") * 4)
        self._column_width = metrics.horizontalAdvance("n") * COLUMN_CHARACTERS
        self._place_column()
        self._highlight_visible()

    def zoom(self, steps: int) -> float:
        """Larger or smaller by `steps` points (0: back to the house size); returns the new size."""
        size = WRITING_POINT_SIZE if steps == 0 else self.font().pointSizeF() + steps
        self.set_writing_font(self.chosen_family(), size)
        return self.font().pointSizeF()

    def chosen_family(self) -> str | None:
        """The family the writer chose, or None for the house list."""
        families = self.font().families()
        return families[0] if families and families[0] not in WRITING_FAMILIES else None

    def _on_text_changed_for_dimming(self) -> None:
        if self._dimming:
            self._dimmed = None  # the paragraph's bounds may have moved
            self._dim_current()

    def _on_vertical_scroll_bar_value_changed(self, _value: int) -> None:
        self._highlight_visible()
        self._scroll_settled.start()

    def _on_scroll_settled_timeout(self) -> None:
        # One block is one source line: QPlainTextEdit splits the text at every newline.
        self.scrolled_to_line.emit(self.firstVisibleBlock().blockNumber())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key, modifiers = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers & Qt.KeyboardModifier.ShiftModifier:
            # Qt makes Shift+Enter a line separator (U+2028) inside the paragraph; in Markdown a
            # line is a line, and the saved text would have a newline there anyway.
            self.textCursor().insertText("\n")
            self.ensureCursorVisible()
            return
        if not self.isReadOnly() and self._markdown_key(event):
            self.ensureCursorVisible()
            return
        super().keyPressEvent(event)

    def _markdown_key(self, event: QKeyEvent) -> bool:
        """Enter continues a list or a quote; Tab and Shift+Tab nest list items."""
        key, modifiers = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        cursor = self.textCursor()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers == Qt.KeyboardModifier.NoModifier:
            done = editing.continue_block(cursor)
        elif key == Qt.Key.Key_Tab and modifiers == Qt.KeyboardModifier.NoModifier:
            done = editing.indent_items(cursor)
        elif key == Qt.Key.Key_Backtab:
            done = editing.indent_items(cursor, outdent=True)
        else:
            return False
        if done:
            self.setTextCursor(cursor)
        return done

    def format_selection(self, kind: str) -> None:
        """Bold, italic, link or code around the selection (Edit ▸ Format): one undo step."""
        if self.isReadOnly():
            return
        cursor = self.textCursor()
        if kind in _MARKERS:
            editing.toggle_around(cursor, _MARKERS[kind])
        elif kind == "link":
            editing.link_around(cursor)
        else:
            editing.code_around(cursor)
        self.setTextCursor(cursor)
        self.setFocus()

    # -- the mouse: a click between two lines goes to the nearest one --------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        super().mousePressEvent(snapped_to_line(self, event))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        super().mouseMoveEvent(snapped_to_line(self, event))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        super().mouseReleaseEvent(snapped_to_line(self, event))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        super().mouseDoubleClickEvent(snapped_to_line(self, event))

    # -- the context menu: first what concerns the word under it, then Qt's edit commands -------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt override)
        menu = self.context_menu_at(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def context_menu_at(self, pos: QPoint) -> QMenu:
        """The menu for a right click at `pos` (viewport coordinates), which first puts the cursor
        there, as writers expect, unless it falls inside the selection the menu would act on."""
        clicked = self.cursorForPosition(pos)
        selected = self.textCursor()
        if not (selected.hasSelection() and selected.selectionStart() <= clicked.position() <= selected.selectionEnd()):
            self.setTextCursor(clicked)
        menu = self.createStandardContextMenu(pos)
        extra = self.word_actions(self.textCursor(), menu) if self.word_actions is not None else []
        if extra:
            first = menu.actions()[0]
            menu.insertActions(first, extra)
            menu.insertSeparator(first)
        return menu

    # -- images ------------------------------------------------------------------------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 (Qt override)
        return bool(_images_in(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt override)
        images = _images_in(source)
        if not images:
            super().insertFromMimeData(source)
            return
        cursor = self.textCursor()
        cursor.removeSelectedText()
        self.images_received.emit(images, QTextCursor(cursor))


def _images_in(source: QMimeData) -> list[ImageSource]:
    found: list[ImageSource] = []
    if source.hasUrls():
        for url in source.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(IMAGE_SUFFIXES):
                path = Path(url.toLocalFile())
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                found.append(ImageSource(name=path.name, mime=mime, path=path))
    if not found and source.hasImage():
        image = source.imageData()
        if isinstance(image, QImage) and not image.isNull():
            found.append(ImageSource(name="pasted-image.png", mime="image/png", data=_png(image)))
    return found


def _png(image: QImage) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stubs type the format as bytes, but PySide6 6.11 refuses bytes here and takes a str.
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(array.data())


def paragraph_around(cursor: QTextCursor) -> tuple[int, int]:
    """The document positions of the paragraph holding `cursor`: its lines up to blank ones."""
    block = cursor.block()
    first = last = block
    while first.previous().isValid() and first.previous().text().strip():
        first = first.previous()
    while last.next().isValid() and last.next().text().strip():
        last = last.next()
    if not block.text().strip():
        first = last = block
    return first.position(), last.position() + len(last.text())
