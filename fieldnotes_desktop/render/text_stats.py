"""Count the words of an entry's prose and turn them into minutes of reading."""

from __future__ import annotations

import math
import re

from fieldnotes_desktop.render.sections import front_matter_end, normalize_newlines

WORDS_PER_MINUTE = 230

_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")
# Han (with extensions and compatibility ideographs), Hiragana, Katakana (with
# phonetic extensions and half-width forms) and Hangul syllables: one word each.
_CJK_RE = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)
# Each pattern with the text it cannot match without: most prose has no HTML, no links and no
# footnotes, and a pattern skipped is a pass over the whole entry saved (a save of a book-length
# entry counts its words, and so does the import of every file).
_MARKUP_RES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (re.compile(r"<!--.*?-->", re.DOTALL), " ", ("<!--",)),
    (re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE), " ", ("<",)),
    # Tags and autolinks alike: neither is prose.
    (re.compile(r"</?[A-Za-z][^<>]*>"), " ", ("<",)),
    # Bracket classes exclude "[" as well as "]": with only "]" excluded, a run of 10,000 "["
    # made every start scan to the end of the text (seconds per entry, minutes at 100,000).
    (re.compile(r"!\[[^\[\]]*\]\([^()]*\)"), " ", ("![",)),
    (re.compile(r"^[ \t>]*\[(?!\^)[^\]\n]+\]:.*$", re.MULTILINE), " ", ("]:",)),
    (re.compile(r"\[\^[^\[\]\n]*\]"), " ", ("[^",)),
    (re.compile(r"\[([^\[\]\n]*)\]\([^()\n]*\)"), r" \1 ", ("](",)),
    (re.compile(r"\[([^\[\]\n]*)\]\[[^\[\]\n]*\]"), r" \1 ", ("][",)),
    (re.compile(r"(?:https?://|ftp://|mailto:)\S*"), " ", ("://", "mailto:")),
    (re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+", re.MULTILINE), " ", ()),
)
# Dashes and slashes join words without spaces ("north—then", "and/or").
_JOINERS = str.maketrans({"\u2013": " ", "\u2014": " ", "\u2026": " ", "/": " "})
# Words are counted a chunk at a time, each chunk ending at a space, so no word is cut and no
# list of every word of a 20 MB entry is ever held (~1 GB).
_CHUNK = 1 << 16
# From a piece's first letter or digit to its end: one match per counted piece.
_WORD_RE = re.compile(r"[^\W_]\S*")
_SPACE_RE = re.compile(r"\s")


def count_words(markdown: str) -> int:
    """Words of the prose a reader sees.

    Front matter, fenced code, HTML tags, URLs and images are left out; link text
    counts. Each CJK character is a word; other text splits on whitespace, and a
    piece counts when it holds a letter or digit.
    """
    text = _strip_markup(_prose_lines(markdown))
    cjk = sum(1 for _ in _CJK_RE.finditer(text))
    if cjk:
        text = _CJK_RE.sub(" ", text)
    return cjk + _count_pieces(text)


def _count_pieces(text: str) -> int:
    count, start, end = 0, 0, len(text)
    while start < end:
        stop = start + _CHUNK
        if stop < end:
            space = _SPACE_RE.search(text, stop)
            stop = space.start() if space else end
        count += len(_WORD_RE.findall(text, start, stop))
        start = stop
    return count


def reading_minutes(words: int, override: int | None = None) -> int:
    """The entry's override when positive, else words at 230 a minute, at least one."""
    if override is not None and override > 0:
        return override
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def _prose_lines(markdown: str) -> str:
    lines = normalize_newlines(markdown).split("\n")
    if "```" not in markdown and "~~~" not in markdown:
        return "\n".join(lines[front_matter_end(lines) :])  # no fence can open
    kept: list[str] = []
    fence: tuple[str, int] | None = None
    for line in lines[front_matter_end(lines) :]:
        match = _FENCE_RE.match(line) if "``" in line or "~~" in line else None
        if fence is None:
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                fence = (match.group(1)[0], len(match.group(1)))
            else:
                kept.append(line)
        elif (
            match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= fence[1]
            and not match.group(2).strip()
        ):
            fence = None
    return "\n".join(kept)


def _strip_markup(text: str) -> str:
    for pattern, replacement, needs in _MARKUP_RES:
        if not needs or any(need in text for need in needs):
            text = pattern.sub(replacement, text)
    return text.translate(_JOINERS)
