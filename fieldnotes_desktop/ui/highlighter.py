"""Markdown highlighting, and the spell check's underlines, from one line and the state of the line before.

Qt re-highlights the following blocks only when a block's end state changes, so keeping all
state in `previousBlockState()` (open fenced code block: its fence character and length; open
front matter: its dash run) makes a keystroke cost one block however long the entry is. The
same pass knows which parts of the line are prose, so the spell check looks only at those.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtGui import (
    QColor, QFont, QSyntaxHighlighter, QTextBlock, QTextBlockUserData, QTextCharFormat, QTextDocument,
)

from fieldnotes_desktop.render.spelling import Speller
from fieldnotes_desktop.ui.theme import LIGHT, Colors

NORMAL = 0
LAZY_BLOCKS = 3000  # longer texts get their formats as they come into view
_FENCE_FLAG = 0x10000  # state = flag | (tilde << 15) | fence length
_TILDE_BIT = 0x8000
_FRONT_FLAG = 0x20000  # state = flag | length of the opening dash run
Span = tuple[int, int]

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
_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S+")  # a footnote's text is prose
_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|<!--.*?-->")
_FRONT_OPEN = re.compile(r"^-{3,}")
_INDENTED_CODE = re.compile(r"^(?: {4}|\t)")


def _state_after(text: str, previous: int, first: bool = False) -> int:
    """The state `highlightBlock` leaves after `text`: inside a fence or front matter (which one) or not.

    Front matter opens with a dash run on the first line and closes as the renderer's rule does
    (`render.sections.front_matter_end`); until it closes, the lines after it are taken as front
    matter, as they are while the writer types it.
    """
    if previous != -1 and previous & _FENCE_FLAG:
        char = "~" if previous & _TILDE_BIT else "`"
        stripped = text.strip()
        closes = (len(text) - len(text.lstrip(" ")) <= 3 and len(stripped) >= previous & 0x7FFF
                  and stripped == char * len(stripped))
        return NORMAL if closes else previous
    if previous != -1 and previous & _FRONT_FLAG:
        stripped = text.lstrip(" ")
        dashes = len(stripped) - len(stripped.lstrip("-"))
        closes = (text.startswith("...") and not text[3:].strip(" ")) or (
            len(text) - len(stripped) < 4 and dashes >= previous & 0x7FFF and not stripped[dashes:].strip(" "))
        return NORMAL if closes else previous
    front = _FRONT_OPEN.match(text) if first else None
    if front:
        return _FRONT_FLAG | min(front.end(), 0x7FFF)
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


class _Formatted(QTextBlockUserData):
    """Marks a block as formatted, and with which spelling: a new dictionary or word makes it stale."""

    def __init__(self, generation: int) -> None:
        super().__init__()
        self.generation = generation


class MarkdownHighlighter(QSyntaxHighlighter):
    """Headings, emphasis, code (spans and fenced blocks), links, quotes and lists.

    A long text is loaded with its block states only (`begin_load`/`end_load`); each block gets
    its formats when it first comes into view (`highlight_visible`). Formatting every block of a
    book at once held the window for 0.8 s, and formatting them one by one in the background
    cost more still: each block formatted alone is laid out again (~1.7 ms a block here).

    Misspelled prose words are underlined by the same pass (`set_speller`), so the spell check
    follows the same rule: only the blocks in view are checked, and a new dictionary or a word
    added marks every block stale at once (a generation number) without touching any: each is
    checked again as it comes into view. The word being typed is left alone until it is done.
    """

    def __init__(self, document: QTextDocument, colors: Colors = LIGHT) -> None:
        super().__init__(document)
        self.blocks_highlighted = 0  # how much work a change cost; tests read it
        self._states_only = False
        self._speller: Speller | None = None
        self._generation = 0
        self.typing_at: Callable[[], int] | None = None  # the cursor's position, given by the editor
        self.held: Span | None = None  # (block position, cursor position) of a misspelled word being typed
        self._build_formats(colors)

    def set_colors(self, colors: Colors) -> None:
        self._build_formats(colors)
        self.rehighlight()

    @property
    def speller(self) -> Speller | None:
        return self._speller

    def set_speller(self, speller: Speller | None) -> None:
        """Spell check with `speller` (None: none); the blocks already formatted are stale from now."""
        self._speller = speller
        self._generation += 1

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
            data = block.userData()
            if not isinstance(data, _Formatted) or data.generation != self._generation:
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
        self._misspelled_color = QColor(c.error)

    # -- per block -------------------------------------------------------------------------

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        previous = self.previousBlockState()
        # Only the state each block hands on while a long text loads, so the formats filled in
        # later stop at each block instead of running on to the end of the text.
        state = _state_after(text, previous, not self.currentBlock().previous().isValid())
        self.setCurrentBlockState(state)
        if self._states_only:
            return
        self.blocks_highlighted += 1
        data = self.currentBlockUserData()
        if isinstance(data, _Formatted):
            data.generation = self._generation
        else:
            self.setCurrentBlockUserData(_Formatted(self._generation))
        if previous != -1 and previous & (_FENCE_FLAG | _FRONT_FLAG):  # code or metadata: never prose
            inner = self._fence if previous & _FENCE_FLAG else self._url
            self.setFormat(0, len(text), self._fence_marker if state == NORMAL else inner)
        elif state != NORMAL:  # a fence or the front matter opens here
            self.setFormat(0, len(text), self._fence_marker)
        else:
            prose = self._block_level(text)
            if prose is not None and self._speller is not None:
                self._underline_misspelled(text, prose, self._speller)

    def _block_level(self, text: str) -> list[Span] | None:
        """Formats a line outside fences; returns the spans of it that are not prose, or None
        when none of it is (a rule, a reference definition, indented code)."""
        heading = _HEADING.match(text)
        if heading:
            self.setFormat(0, len(text), self._heading)
            self.setFormat(0, heading.end(1), self._marker)
            return self._inline(text, heading.end(), base=self._heading)
        if _RULE.match(text) or _SETEXT.match(text):
            self.setFormat(0, len(text), self._marker)
            return None
        if _DEFINITION.match(text):
            self.setFormat(0, len(text), self._url)
            return None
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
        not_prose = self._inline(text, start, base)
        # Indented four spaces (not a list item): code, or a list's paragraph; either may go unchecked.
        return None if item is None and _INDENTED_CODE.match(text) else not_prose

    def _inline(self, text: str, start: int, base: QTextCharFormat | None = None) -> list[Span]:
        """Formats spans, links, tags and emphasis; returns the spans that are not prose: code,
        link and image targets, autolinks, footnote labels, HTML tags."""
        taken: list[Span] = []
        if "`" not in text and not any(ch in text for ch in "*_~[<h!"):
            return taken  # most prose lines: nothing to do
        not_prose: list[Span] = []

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        for m in _CODE_SPAN.finditer(text, start):
            self.setFormat(m.start(), m.end() - m.start(), self._code)
            taken.append(m.span())
        not_prose += taken
        for pattern in (_LINK, _REF_LINK):
            for m in pattern.finditer(text, start):
                if free(*m.span()):
                    self.setFormat(m.start(1), len(m.group(1)), self._marker)
                    self.setFormat(m.start(2), len(m.group(2)), self._link_text)
                    self.setFormat(m.start(3), m.end() - m.start(3), self._url)
                    taken.append(m.span())
                    not_prose.append((m.start(3), m.end()))  # the link's text is prose, its target not
        for pattern in (_AUTOLINK, _FOOTNOTE, _HTML_TAG):
            fmt = self._html if pattern is _HTML_TAG else self._link_text
            for m in pattern.finditer(text, start):
                if free(*m.span()):
                    self.setFormat(m.start(), m.end() - m.start(), fmt)
                    taken.append(m.span())
                    not_prose.append(m.span())
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
        return not_prose

    # -- spelling ----------------------------------------------------------------------------

    def _underline_misspelled(self, text: str, not_prose: list[Span], speller: Speller) -> None:
        block = self.currentBlock().position()
        if self.held is not None and self.held[0] == block:
            self.held = None
        misspelled = speller.misspelled(text, not_prose)
        cursor = self.typing_at() if misspelled and self.typing_at is not None else -1
        for start, end in misspelled:
            if block + end == cursor:
                self.held = (block, cursor)  # still being typed: the editor asks again once the cursor leaves
                continue
            self._underline(_utf16(text, start), _utf16(text, end))

    def _underline(self, start: int, end: int) -> None:
        """The spell-check underline over `start`…`end`, on top of the formats already there."""
        run = start
        while run < end:
            under = self.format(run)
            stop = run + 1
            while stop < end and self.format(stop) == under:
                stop += 1
            marked = QTextCharFormat(under)
            marked.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
            marked.setUnderlineColor(self._misspelled_color)
            self.setFormat(run, stop - run, marked)
            run = stop


def _utf16(text: str, index: int) -> int:
    """`index` into `text` counted as Qt counts: a character beyond the BMP (an emoji) is two."""
    if text.isascii():
        return index
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)
