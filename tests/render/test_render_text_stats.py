"""Word counts and reading time."""

from __future__ import annotations

import pytest

from fieldnotes_desktop.render import count_words, reading_minutes


def test_prose_words_exclude_code_front_matter_urls_and_tags() -> None:
    source = (
        "---\ntitle: many words in the front matter\n---\n"
        "# Two words\n\n"
        "See [the route](https://example.org/a/b) and <b>bold</b> text.\n\n"
        "```python\nthese words are code and do not count\n```\n\n"
        "1. one\n2. two\n\n"
        "![an image alt](x.png) https://example.org/bare\n"
    )
    # Two words / See the route and bold text. / one two
    assert count_words(source) == 2 + 6 + 2


def test_cjk_characters_each_count_as_a_word() -> None:
    assert count_words("日本語のテキスト") == 8
    assert count_words("登山は楽しい。") == 6
    assert count_words("한국어 문장") == 5
    assert count_words("山 and mountain") == 3


def test_punctuation_only_pieces_do_not_count() -> None:
    assert count_words("Well — then / now … ok - -- *") == 4
    assert count_words("north—then and/or don't state-of-the-art") == 6


@pytest.mark.parametrize(
    ("words", "override", "minutes"),
    [(0, None, 1), (1, None, 1), (230, None, 1), (231, None, 2), (1840, None, 8),
     (1840, 3, 3), (1840, 0, 8), (1840, -2, 8)],
)  # fmt: skip
def test_reading_minutes(words: int, override: int | None, minutes: int) -> None:
    assert reading_minutes(words, override) == minutes


@pytest.mark.parametrize("opener", ["[", "![", "[^"])
def test_a_long_run_of_openers_is_counted_in_linear_time(opener: str) -> None:
    import signal

    def too_slow(*_args: object) -> None:
        raise TimeoutError(f"count_words took over 10 s on 100,000 × {opener!r}")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(10)  # a bound on hostile input, not a benchmark: the old patterns took ~3 minutes
    try:
        assert count_words(opener * 100_000 + " summit") == 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_raw_html_and_images_end_at_a_blank_line() -> None:
    # Markdown ends raw HTML at a blank line, so "<a" and "b>" here are text, not a tag.
    assert count_words("one <a\n\nb> two") == 4
    assert count_words("one <a\nhref=x> two") == 2
    assert count_words("![a\n\nb](c) d") == 3


def _long_entry(paragraphs: int) -> str:
    import random

    rng = random.Random(paragraphs)
    parts = []
    for n in range(paragraphs):
        words = " ".join(rng.choice(["ridge", "<b>cairn</b>", "[pass](https://x.org)", "日本",
                                     "north—south", "![img](i.png)", "- item", "`code`"])
                         for _ in range(rng.randint(3, 40)))
        parts.append(f"## Part {n}\n\n{words}" if n % 25 == 0 else words)
        if n % 40 == 7:
            parts.append("```\nnot prose at all\n\nstill code\n```")
    return "\n\n".join(parts)


def test_a_long_entry_counted_piecewise_agrees_with_a_whole_count() -> None:
    from fieldnotes_desktop.render import text_stats

    text = _long_entry(3_000)
    assert len(text) > text_stats.PIECEWISE_FROM  # noqa: SLF001 - the path under test
    whole = text_stats._count_prose(text_stats._prose_lines(text))  # noqa: SLF001
    assert count_words(text) == whole
    middle = text.index(" ", len(text) // 2)
    edited = text[:middle] + " added words here\n\nand a new paragraph" + text[middle:]
    assert count_words(edited) == whole + 7  # counted again from the kept runs and the changed ones
    assert count_words(edited) == text_stats._count_prose(text_stats._prose_lines(edited))  # noqa: SLF001
    # A comment can hold blank lines, so an entry with one is counted whole.
    commented = "<!-- draft\n\nnotes -->\n\n" + text
    assert count_words(commented) == whole


def test_the_kept_runs_stay_within_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldnotes_desktop.render import text_stats

    monkeypatch.setattr(text_stats, "_RUNS_CHARS", 300_000)
    for n in range(12):  # twelve different long entries, ~150 KB each
        text = _long_entry(2_000 + n)
        assert count_words(text) == text_stats._count_prose(text_stats._prose_lines(text))  # noqa: SLF001
        kept = sum(len(run) for run in text_stats._runs)  # noqa: SLF001
        assert kept <= 300_000 + len(text)
