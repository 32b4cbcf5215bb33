"""The editor's text as Python lines, kept current from the document's own change signal.

`QPlainTextEdit.toPlainText()` copies the whole document: ~13 ms for a 1.3 MB book, and the
preview, the saver and the word count each asked for it. `contentsChange` says where the text
changed; the lines there are read back from their blocks, so a keystroke costs the same at any
length, and whoever needs the text joins the lines (or, like the preview, takes just the edit).

The lines are what `toPlainText()` would give: a no-break space reads as a space. A line
separator (U+2028) inside a block would make one block two lines; the editor never types one,
and a pasted one makes the mirror re-read the whole text until it is gone.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextDocument

from fieldnotes_desktop.ui.preview.live_document import LineEdit

_AS_PLAIN_TEXT = {0xA0: " ", 0x2029: "\n"}
LINE_SEPARATOR = "\u2028"


class TextMirror(QObject):
    """Lines of `document`, one per block; `edited` for each change, `replaced` for a new text."""

    edited = Signal(object)  # LineEdit
    replaced = Signal()  # the lines were read afresh: take `text` whole

    def __init__(self, document: QTextDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._lines: list[str] = [""]
        self._joined: str | None = ""
        self._irregular = False  # a block holds a line separator: block numbers are not lines
        document.contentsChange.connect(self._on_document_contents_change)

    @property
    def text(self) -> str:
        """The whole text, as `toPlainText()` gives it (joined once per change)."""
        if self._joined is None:
            self._joined = "\n".join(self._lines)
        return self._joined

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def reread(self) -> None:
        """Reads the whole text afresh (a new entry in the editor)."""
        self._lines = self._document.toPlainText().split("\n")
        self._irregular = len(self._lines) != self._document.blockCount()
        self._joined = None
        self.replaced.emit()

    def _on_document_contents_change(self, position: int, removed: int, added: int) -> None:
        document = self._document
        if self._irregular or (position == 0 and added >= document.characterCount() - 1):
            self.reread()
            return
        first = document.findBlock(position)
        last = document.findBlock(position + added)
        if not first.isValid():
            self.reread()
            return
        if not last.isValid():
            last = document.lastBlock()
        start, stop = first.blockNumber(), last.blockNumber()
        gone = (stop - start + 1) - (document.blockCount() - len(self._lines))
        if gone < 0 or start + gone > len(self._lines):
            self.reread()  # the mirror lost track (it should not): start again from the document
            return
        lines = []
        block = first
        while True:
            text = block.text()
            if LINE_SEPARATOR in text:
                self.reread()
                return
            lines.append(text.translate(_AS_PLAIN_TEXT) if "\xa0" in text else text)
            if block == last:
                break
            block = block.next()
        if self._lines[start : start + gone] == lines:
            return  # a format change (the highlighter marks blocks dirty): no text moved
        self._lines[start : start + gone] = lines
        self._joined = None
        self.edited.emit(LineEdit(start, gone, tuple(lines)))
