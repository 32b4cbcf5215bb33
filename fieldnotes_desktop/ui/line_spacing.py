"""Room between the editor's lines, which QPlainTextEdit does not offer by itself.

QPlainTextDocumentLayout ignores `QTextBlockFormat.setLineHeight` and lays each line right
under the one above. But everything QPlainTextEdit does with a block — painting, scrolling,
the cursor, hit tests — asks the layout's `blockBoundingRect` first and then reads the line
positions of the block's `QTextLayout`. So the override below moves the lines of the block
it is asked about apart and reports the taller block. It touches only blocks Qt asks about
(the visible ones and the one being edited), so typing costs the same at any length.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QMouseEvent, QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout, QPlainTextEdit


class SpacedLineLayout(QPlainTextDocumentLayout):
    """Each line gets `spacing` times its height, the extra split above and below it."""

    def __init__(self, document: QTextDocument, spacing: float) -> None:
        super().__init__(document)
        self._spacing = spacing

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 (Qt override)
        rect = super().blockBoundingRect(block)  # lays the block out if Qt had cleared it
        layout = block.layout()
        count = layout.lineCount() if layout is not None else 0
        if count == 0:
            return rect
        # Qt asks about the same few blocks again and again (every paint, every cursor move):
        # when the first and last lines already sit where uniform lines would, the block was
        # spaced before and only the taller rect is needed, without touching every line.
        first, last = layout.lineAt(0), layout.lineAt(count - 1)
        height = first.height()
        pad = self._pad(height)
        if first.y() == pad and last.height() == height and last.y() == pad + (count - 1) * (height + 2 * pad):
            return rect.adjusted(0.0, 0.0, 0.0, count * (height + 2 * pad) - layout.boundingRect().bottom())
        natural_bottom = layout.boundingRect().bottom()
        y = 0.0
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            pad = self._pad(line.height())
            y += pad
            if line.y() != y:  # a fresh layout; the positions are the same on every later call
                line.setPosition(QPointF(line.x(), y))
            y += line.height() + pad
        return rect.adjusted(0.0, 0.0, 0.0, y - natural_bottom)

    def _pad(self, height: float) -> float:
        """The room above and below a line, on Qt's 1/64 px grid: a line keeps its position in
        that fixed point, so a position off the grid never reads back equal and every call
        would lay the block out again (2.3 s of every 10 s of typing in a long entry)."""
        return round(height * (self._spacing - 1.0) / 2.0 * 64.0) / 64.0


def snapped_to_line(editor: QPlainTextEdit, event: QMouseEvent) -> QMouseEvent:
    """`event` moved from the space between two lines onto the nearest line.

    QPlainTextEdit maps a point between lines to the start of the next line, whatever its x;
    a writer clicking a little above a word expects the cursor at that word.
    """
    pos = event.position()
    block = editor.cursorForPosition(pos.toPoint()).block()
    layout = block.layout()
    if layout is None or layout.lineCount() == 0:
        return event
    top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
    y = pos.y() - top
    nearest = min(
        (layout.lineAt(i) for i in range(layout.lineCount())),
        key=lambda line: max(line.y() - y, y - line.y() - line.height(), 0.0),
    )
    inside = min(max(y, nearest.y() + 1.0), nearest.y() + nearest.height() - 1.0)
    if inside == y:
        return event
    return QMouseEvent(event.type(), QPointF(pos.x(), top + inside), event.globalPosition(),
                       event.button(), event.buttons(), event.modifiers())
