"""Markdown highlighting that looks at one line and the state of the line before, nothing more.

Qt re-highlights the following blocks only when a block's end state changes, so keeping all
state in `previousBlockState()` (open fenced code block: its fence character and length)
makes a keystroke cost one block however long the entry is.
"""

from __future__ import annotations

import re

from PySide6.QtGui import (
    QColor, QFont, QSyntaxHighlighter, QTextBlock, QTextBlockUserData, QTextCharFormat, QTextDocument,
)

from fieldnotes_desktop.ui.theme import LIGHT, Colors

NORMAL = 0
LAZY_BLOCKS = 3000  # longer texts get their formats as they come into view
_FENCE_FLAG = 0x10000  # state = flag | (tilde << 15) | fence length
_TILDE_BIT = 0x8000

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^( {0,3}#{1,6})(?:[ \t]+|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^( {0,3}>[ \t]?)+")
_LIST = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)(?:[ \t]+\[[ xX]\])?")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])(\*|_)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_LINK = re.compile(r"(!?\[)([^\]\n]*)(\]\()([^)\s]*)((?:\s+\"[^\"]*\")?\))")
_REF_LINK = re.compile(r"(!?\[)([^\]\n]+)(\]\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>\s]+>|\bhttps?://[^\s<>()]+")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:?")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S+")
_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|<!--.*?-->")


def _state_after(text: str, previous: int) -> int:
    """The state `highlightBlock` leaves after `text`: inside a fence (which one) or not."""
    if previous != -1 and previous & _FENCE_FLAG:
        char = "~" if previous & _TILDE_BIT else "`"
        stripped = text.strip()
        closes = (len(text) - len(text.lstrip(" ")) <= 3 and len(stripped) >= previous & 0x7FFF
                  and stripped == char * len(stripped))
        return NORMAL if closes else previous
    opened = _FENCE_OPEN.match(text)
    if opened and not (opened.group(1)[0] == "`" and "`" in opened.group(2)):
        fence = opened.group(1)
        return _FENCE_FLAG | (_TILDE_BIT if fence[0] == "~" else 0) | min(len(fence), 0x7FFF)
    return NORMAL


def _fmt(color: str, *, bold: bool = False, italic: bool = False, background: str = "",
         strike: bool = False, size_delta: float = 0.0) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(QColor(color))
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    if italic:
        f.setFontItalic(True)
    if background:
        f.setBackground(QColor(background))
    if strike:
        f.setFontStrikeOut(True)
    return f


class MarkdownHighlighter(QSyntaxHighlighter):
    """Headings, emphasis, code (spans and fenced blocks), links, quotes and lists.

    A long text is loaded with its block states only (`begin_load`/`end_load`); each block gets
    its formats when it first comes into view (`highlight_visible`). Formatting every block of a
    book at once held the window for 0.8 s, and formatting them one by one in the background
    cost more still: each block formatted alone is laid out again (~1.7 ms a block here).
    """

    def __init__(self, document: QTextDocument, colors: Colors = LIGHT) -> None:
        super().__init__(document)
        self.blocks_highlighted = 0  # how much work a change cost; tests read it
        self._states_only = False
        self._build_formats(colors)

    def set_colors(self, colors: Colors) -> None:
        self._build_formats(colors)
        self.rehighlight()

    def begin_load(self, text: str) -> None:
        """The document is about to take `text`: a long one gets its block states now, formats later."""
        self._states_only = text.count("\n") > LAZY_BLOCKS

    def end_load(self) -> None:
        self._states_only = False

    def highlight_visible(self, first: QTextBlock, top: float, bottom: float) -> int:
        """Formats the blocks from `first` (its top at `top`) down to `bottom` that have none yet."""
        layout = self.document().documentLayout()
        done = 0
        block = first
        while block.isValid() and top <= bottom:
            if block.userData() is None:
                self.rehighlightBlock(block)
                done += 1
            top += layout.blockBoundingRect(block).height()
            block = block.next()
        return done

    def _build_formats(self, c: Colors) -> None:
        self._marker = _fmt(c.faint)
        self._heading = _fmt(c.text, bold=True)
        self._strong = _fmt(c.text, bold=True)
        self._emphasis = _fmt(c.text, italic=True)
        self._strike = _fmt(c.muted, strike=True)
        self._code = _fmt(c.code_fg, background=c.code_bg)
        self._fence = _fmt(c.code_fg)
        self._fence_marker = _fmt(c.faint)
        self._link_text = _fmt(c.link)
        self._url = _fmt(c.muted)
        self._quote = _fmt(c.quote, italic=True)
        self._list = _fmt(c.accent, bold=True)
        self._html = _fmt(c.muted)

    # -- per block -------------------------------------------------------------------------

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        previous = self.previousBlockState()
        if self._states_only:
            # Only the state each block hands on, so the formats filled in later stop at each
            # block instead of running on to the end of the text.
            self.setCurrentBlockState(_state_after(text, previous))
            return
        self.blocks_highlighted += 1
        if self.currentBlockUserData() is None:
            self.setCurrentBlockUserData(QTextBlockUserData())  # marks the block as formatted
        if previous != -1 and previous & _FENCE_FLAG:
            self._inside_fence(text, previous)
            return
        self.setCurrentBlockState(NORMAL)
        opened = _FENCE_OPEN.match(text)
        if opened and not (opened.group(1)[0] == "`" and "`" in opened.group(2)):
            fence = opened.group(1)
            tilde = _TILDE_BIT if fence[0] == "~" else 0
            self.setCurrentBlockState(_FENCE_FLAG | tilde | min(len(fence), 0x7FFF))
            self.setFormat(0, len(text), self._fence_marker)
            return
        self._block_level(text)

    def _inside_fence(self, text: str, state: int) -> None:
        char = "~" if state & _TILDE_BIT else "`"
        length = state & 0x7FFF
        stripped = text.strip()
        closes = (
            len(text) - len(text.lstrip(" ")) <= 3
            and len(stripped) >= length
            and stripped == char * len(stripped)
        )
        if closes:
            self.setCurrentBlockState(NORMAL)
            self.setFormat(0, len(text), self._fence_marker)
        else:
            self.setCurrentBlockState(state)
            self.setFormat(0, len(text), self._fence)

    def _block_level(self, text: str) -> None:
        heading = _HEADING.match(text)
        if heading:
            self.setFormat(0, len(text), self._heading)
            self.setFormat(0, heading.end(1), self._marker)
            self._inline(text, heading.end(), base=self._heading)
            return
        if _RULE.match(text) or _SETEXT.match(text):
            self.setFormat(0, len(text), self._marker)
            return
        if _DEFINITION.match(text):
            self.setFormat(0, len(text), self._url)
            return
        start = 0
        base: QTextCharFormat | None = None
        quote = _QUOTE.match(text)
        if quote:
            self.setFormat(quote.end(), len(text) - quote.end(), self._quote)
            self.setFormat(0, quote.end(), self._marker)
            start, base = quote.end(), self._quote
        item = _LIST.match(text, start)
        if item:
            self.setFormat(start, item.end() - start, self._list)
            start = item.end()
        self._inline(text, start, base)

    def _inline(self, text: str, start: int, base: QTextCharFormat | None = None) -> None:
        if "`" not in text and not any(ch in text for ch in "*_~[<h!"):
            return  # most prose lines: nothing to do
        taken: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        for m in _CODE_SPAN.finditer(text, start):
            self.setFormat(m.start(), m.end() - m.start(), self._code)
            taken.append(m.span())
        for pattern in (_LINK, _REF_LINK):
            for m in pattern.finditer(text, start):
                if free(*m.span()):
                    self.setFormat(m.start(1), len(m.group(1)), self._marker)
                    self.setFormat(m.start(2), len(m.group(2)), self._link_text)
                    self.setFormat(m.start(3), m.end() - m.start(3), self._url)
                    taken.append(m.span())
        for pattern in (_AUTOLINK, _FOOTNOTE, _HTML_TAG):
            fmt = self._html if pattern is _HTML_TAG else self._link_text
            for m in pattern.finditer(text, start):
                if free(*m.span()):
                    self.setFormat(m.start(), m.end() - m.start(), fmt)
                    taken.append(m.span())
        for pattern, fmt in ((_STRONG, self._strong), (_EMPHASIS, self._emphasis),
                             (_STRIKE, self._strike)):
            for m in pattern.finditer(text, start):
                if not free(*m.span()):
                    continue
                merged = QTextCharFormat(base) if base is not None else QTextCharFormat()
                merged.merge(fmt)
                if base is not None and fmt is self._strong:
                    merged.setForeground(base.foreground())
                self.setFormat(m.start(), m.end() - m.start(), merged)
                marker = len(m.group(1)) if pattern is not _STRIKE else 2
                self.setFormat(m.start(), marker, self._marker)
                self.setFormat(m.end() - marker, marker, self._marker)
