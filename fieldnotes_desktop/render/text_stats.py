"""Count the words of an entry's prose and turn them into minutes of reading."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from itertools import filterfalse

from fieldnotes_desktop.render.sections import front_matter_end, normalize_newlines

WORDS_PER_MINUTE = 230

# Han (with extensions and compatibility ideographs), Hiragana, Katakana (with
# phonetic extensions and half-width forms) and Hangul syllables: one word each.
_CJK_RE = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)
# The span all of those lie in: one range is tested at twice the speed of the nine, so a text
# with curly quotes and dashes but no CJK is told apart in half the time.
_MAYBE_CJK_RE = re.compile("[\u3040-\U0003134f]")
# Each pattern with a character and the texts it cannot match without: most prose has no HTML,
# no links and no footnotes, and a pattern skipped is a pass over the whole entry saved (a save
# of a book-length entry counts its words, and so does the import of every file). The character
# is looked for first: finding one character is a memchr, ten times quicker than finding two.
#
# No pattern but the first two matches across a blank line ("\n\n"): so the count of a text
# without comments, scripts or styles is the sum of the counts of its paragraphs, which is what
# lets a long entry be counted a piece at a time (see `count_words`).
_NOT_A_BLANK_LINE = r"\n(?!\n)"
_MARKUP_RES: tuple[tuple[re.Pattern[str], str, str, tuple[str, ...]], ...] = (
    (re.compile(r"<!--.*?-->", re.DOTALL), " ", "<", ("<!--",)),
    (re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE), " ", "<", ("<",)),
    # Tags and autolinks alike: neither is prose. Raw HTML ends at a blank line in Markdown.
    (re.compile(rf"</?[A-Za-z](?:[^<>\n]|{_NOT_A_BLANK_LINE})*>"), " ", "<", ("<",)),
    # Bracket classes exclude "[" as well as "]": with only "]" excluded, a run of 10,000 "["
    # made every start scan to the end of the text (seconds per entry, minutes at 100,000).
    (re.compile(rf"!\[(?:[^\[\]\n]|{_NOT_A_BLANK_LINE})*\]\((?:[^()\n]|{_NOT_A_BLANK_LINE})*\)"), " ", "[", ("![",)),
    (re.compile(r"^[ \t>]*\[(?!\^)[^\]\n]+\]:.*$", re.MULTILINE), " ", "[", ("]:",)),
    (re.compile(r"\[\^[^\[\]\n]*\]"), " ", "[", ("[^",)),
    (re.compile(r"\[([^\[\]\n]*)\]\([^()\n]*\)"), r" \1 ", "[", ("](",)),
    (re.compile(r"\[([^\[\]\n]*)\]\[[^\[\]\n]*\]"), r" \1 ", "[", ("][",)),
    (re.compile(r"(?:https?://|ftp://|mailto:)\S*"), " ", ":", ("://", "mailto:")),
)
# A list item's marker, `- ` or `1. `, at the start of a line (after quote marks). Found from the
# line's "\n", which the pattern engine looks for as quickly as `str.find`, where `^` in
# MULTILINE mode is tried at every character (seven times slower on an entry of prose); the
# text's first line is looked at on its own.
_LIST_MARKER = r"[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+"
_LIST_ITEM_RE = re.compile(rf"\n{_LIST_MARKER}")
_FIRST_LIST_ITEM_RE = re.compile(rf"\A{_LIST_MARKER}")
# What can span a blank line: a text holding one is counted whole.
_SPANNING_RE = re.compile(r"<!--|<(?:script|style)\b", re.IGNORECASE)
# Dashes and slashes join words without spaces ("north—then", "and/or"). Each is replaced on
# its own: `str.translate` takes ~70 ns a character once a text holds any character past
# U+00FF (a curly quote will do), `str.replace` ~2 ns.
_JOINERS = "\u2013\u2014\u2026/"
# Words are counted a chunk at a time, each chunk ending at a space, so no word is cut and no
# list of every word of a 20 MB entry is ever held (~1 GB).
_CHUNK = 1 << 16
# From a piece's first letter or digit to its end: one match per counted piece.
_WORD_RE = re.compile(r"[^\W_]\S*")
_SPACE_RE = re.compile(r"\s")
_FENCE_LINE_RE = re.compile(r" {0,3}(`{3,}|~{3,})([^\n]*)")

# A long entry is counted in runs of paragraphs, each run's count kept: a save while typing in a
# book-length entry changes one run, so it counts a few hundred words instead of 200,000 (80 ms
# of a thread holding the interpreter lock that the window needs). A run ends after a paragraph
# whose length is a multiple of `_RUN_END`: where runs end depends on the text alone, so an edit
# moves no run boundary but its own paragraph's.
PIECEWISE_FROM = 1 << 16  # characters; a shorter text is counted whole in a few milliseconds
_RUN_END = 8
# The runs' text is what is kept: at most about 8 MB of it (six books), all forgotten at once
# when full. Threads share it; a count of what is kept may be a little off, never a word count.
_RUNS_CHARS = 8 << 20
_runs: dict[str, int] = {}
_runs_chars = 0


def count_words(markdown: str) -> int:
    """Words of the prose a reader sees.

    Front matter, fenced code, HTML tags, URLs and images are left out; link text
    counts. Each CJK character is a word; other text splits on whitespace, and a
    piece counts when it holds a letter or digit.
    """
    prose = _prose_lines(markdown)
    if len(prose) < PIECEWISE_FROM or _SPANNING_RE.search(prose):
        return _count_prose(prose)
    total, run = 0, []
    for paragraph in prose.split("\n\n"):
        run.append(paragraph)
        if len(paragraph) % _RUN_END == 0:
            total += _count_run("\n\n".join(run))
            run = []
    return total + (_count_run("\n\n".join(run)) if run else 0)


def _count_run(text: str) -> int:
    global _runs_chars
    words = _runs.get(text)
    if words is None:
        if _runs_chars > _RUNS_CHARS:
            _runs.clear()
            _runs_chars = 0
        words = _runs[text] = _count_prose(text)
        _runs_chars += len(text)
    return words


def _count_prose(text: str) -> int:
    text = _strip_markup(text)
    cjk = 0
    if not text.isascii() and _MAYBE_CJK_RE.search(text):
        text, cjk = _CJK_RE.subn(" ", text)
    return cjk + _count_pieces(text)


def _count_pieces(text: str) -> int:
    """How many whitespace-separated pieces hold a letter or digit: `len(_WORD_RE.findall(text))`.

    `str.split` and `str.isalnum` agree with the pattern's `\\s` and `[^\\W_]` on every code
    point, and most pieces are letters only: only the others (`snow,`, `—`) are matched by the
    pattern, at half the cost of matching every piece.
    """
    count, start, end = 0, 0, len(text)
    while start < end:
        stop = start + _CHUNK
        if stop < end:
            space = _SPACE_RE.search(text, stop)
            stop = space.start() if space else end
        pieces = text[start:stop].split()
        mixed = list(filterfalse(str.isalnum, pieces))
        count += len(pieces) - len(mixed) + len(_WORD_RE.findall(" ".join(mixed)))
        start = stop
    return count


def reading_minutes(words: int, override: int | None = None) -> int:
    """The entry's override when positive, else words at 230 a minute, at least one."""
    if override is not None and override > 0:
        return override
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def _prose_lines(markdown: str) -> str:
    """The text without its front matter and fenced code (the fences' lines included)."""
    text = normalize_newlines(markdown)
    if text.startswith("---"):
        lines = text.split("\n")
        text = "\n".join(lines[front_matter_end(lines) :])
    if "```" not in text and "~~~" not in text:
        return text  # no fence can open
    kept: list[str] = []
    kept_from = 0
    fence: tuple[str, int] | None = None
    for mark in _fence_marks(text):
        line_start = text.rfind("\n", 0, mark) + 1
        match = _FENCE_LINE_RE.match(text, line_start)
        if match is None or match.start(1) != mark:
            continue  # the marks are not at the line's start
        marks, rest = match.group(1), match.group(2)
        if fence is None:
            if not (marks[0] == "`" and "`" in rest):
                fence = (marks[0], len(marks))
                kept.append(text[kept_from:line_start])
        elif marks[0] == fence[0] and len(marks) >= fence[1] and not rest.strip():
            fence = None
            kept_from = match.end() + 1
    if fence is None:
        kept.append(text[kept_from:])
    return "".join(kept)


def _fence_marks(text: str) -> Iterator[int]:
    """Where "```" or "~~~" first appears on each line holding one; `str.find` is ten times
    quicker than a pattern with two alternatives over a book-length text."""
    ahead = {mark: text.find(mark) for mark in ("```", "~~~")}
    while True:
        found = [at for at in ahead.values() if at >= 0]
        if not found:
            return
        at = min(found)
        yield at
        line_end = text.find("\n", at)
        if line_end < 0:
            return
        for mark, where in ahead.items():
            if 0 <= where <= line_end:
                ahead[mark] = text.find(mark, line_end)


def _strip_markup(text: str) -> str:
    for pattern, replacement, key, needs in _MARKUP_RES:
        if key in text and any(need in text for need in needs):
            text = pattern.sub(replacement, text)
    text = _FIRST_LIST_ITEM_RE.sub(" ", _LIST_ITEM_RE.sub("\n ", text))
    for joiner in _JOINERS:
        if joiner in text:
            text = text.replace(joiner, " ")
    return text
