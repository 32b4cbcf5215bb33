"""The word count's quick paths give what the plain patterns give, on text made to trip them."""

from __future__ import annotations

import random
import re

import pytest

from fieldnotes_desktop.render import count_words, text_stats

# Markup, the whitespace `str.split` and `\s` must agree on, letters and digits of other
# scripts, combining marks, underscores, CJK and what lies just outside its ranges.
PIECES = [
    "word", "Ünïcode", " ", "  ", "\n", "\n\n", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2028", "\u3000",
    "-", "- ", "* ", "+ ", "1. ", "12) ", "> ", ">", " >- ", "[", "]", "(", ")", "![", "](", "][", "[^1]", "]:",
    "<", "<b>", "</b>", "<!--", "-->", "<script>", "</script>", "http://x.y/z", "mailto:a@b", ":", "/", "—", "–",
    "…", "“", "”", "日本", "語", "한", "ｶ", "\u303f", "\u3040", "\U0002a700", "😀", "_", "__", "'", "don't", "3",
    "x_y", "é", "\u0301", "½", "٣", "```", "~~~", "`",
]


def _texts(seed: int, count: int, longest: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, longest))) for _ in range(count)]


def _strip_markup_plainly(text: str) -> str:
    """`_strip_markup` without its shortcuts: every pattern tried, each line start tried, one translate."""
    for pattern, replacement, _key, _needs in text_stats._MARKUP_RES:  # noqa: SLF001
        text = pattern.sub(replacement, text)
    text = re.sub(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+", " ", text, flags=re.MULTILINE)
    return text.translate(str.maketrans(dict.fromkeys(text_stats._JOINERS, " ")))  # noqa: SLF001


def _count_plainly(text: str) -> int:
    text = _strip_markup_plainly(text)
    cjk = len(text_stats._CJK_RE.findall(text))  # noqa: SLF001
    return cjk + len(text_stats._WORD_RE.findall(text_stats._CJK_RE.sub(" ", text)))  # noqa: SLF001


def test_pieces_are_counted_as_the_word_pattern_counts_them() -> None:
    for text in _texts(1, 20_000, 40):
        assert text_stats._count_pieces(text) == len(text_stats._WORD_RE.findall(text)), repr(text)  # noqa: SLF001


def test_split_and_isalnum_agree_with_the_pattern_on_every_code_point() -> None:
    # The count rests on this: `str.split` splits where `\s` matches, and `str.isalnum` holds
    # where `[^\W_]` matches.
    import sys

    space, word = re.compile(r"\s"), re.compile(r"[^\W_]")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert len(f"a{ch}a".split()) == (2 if space.match(ch) else 1), hex(code)
        assert ch.isalnum() == bool(word.match(ch)), hex(code)


def test_a_text_longer_than_a_chunk_is_counted_as_one_piece_of_text() -> None:
    rng = random.Random(2)
    text = "".join(rng.choice(PIECES) for _ in range(80_000))
    assert len(text) > 2 * text_stats._CHUNK  # noqa: SLF001
    assert text_stats._count_pieces(text) == len(text_stats._WORD_RE.findall(text))  # noqa: SLF001


def test_markup_is_stripped_as_the_plain_patterns_strip_it() -> None:
    for text in _texts(3, 20_000, 40):
        assert text_stats._strip_markup(text) == _strip_markup_plainly(text), repr(text)  # noqa: SLF001


@pytest.mark.parametrize("seed", [4, 5])
def test_prose_is_counted_as_the_plain_patterns_count_it(seed: int) -> None:
    for text in _texts(seed, 10_000, 40):
        assert text_stats._count_prose(text) == _count_plainly(text), repr(text)  # noqa: SLF001


def test_cjk_is_counted_whether_or_not_the_text_has_other_characters_past_ascii() -> None:
    assert count_words("“Quoted” words — and more") == 4
    assert count_words("“日本” and ½") == 4
    assert count_words("ｶ\u303f\u3040") == 2  # half-width katakana and hiragana count; U+303F does not
