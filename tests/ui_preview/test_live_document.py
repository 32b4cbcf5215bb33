"""The preview's line-by-line document agrees with rendering the whole text, edit after edit."""

from __future__ import annotations

import random

import pytest

from fieldnotes_desktop.export import demote_headings
from fieldnotes_desktop.render import SectionRenderer
from fieldnotes_desktop.ui.preview.live_document import LineEdit, LiveDocument

CHAPTER = """# Chapter {n}

The path climbed through larch, then scree. We kept the *notebook* dry.

## Camp {n}

- stove
- rope

```python
def pace(metres: int) -> int:
    return metres // {n}
```

Setext heading {n}
------------------

A table:

| a | b |
|---|---|
| {n} | 2 |
"""
SNIPPETS = [
    "word ", "\n", "\n\n", "# New heading\n", "```\n", "~~~\n", "<div>\n", "-->", "<!-- ",
    "[^1]: a note\n", "[ref]: https://example.org\n", "=====\n", "---\n", "Summary\n", "## Summary\n",
    "# Chapter 1\n", "    indented\n", "> quote\n", "",
]


def fresh(text: str) -> LiveDocument:
    document = LiveDocument(SectionRenderer(), demote_headings)
    document.load(text)
    return document


def assert_same(live: LiveDocument) -> None:
    whole = fresh(live.text)
    assert [(s.key, s.start, s.end, s.ids) for s in live.sections] == [
        (s.key, s.start, s.end, s.ids) for s in whole.sections
    ]
    assert live.html() == whole.html()


def apply_text_edit(live: LiveDocument, text: str, position: int, removed_chars: int, inserted: str) -> str:
    """Edits `text` as the editor would, and hands `live` the same edit in lines."""
    new_text = text[:position] + inserted + text[position + removed_chars :]
    first = text.count("\n", 0, position)
    old_last = text.count("\n", 0, position + removed_chars)
    new_last = new_text.count("\n", 0, position + len(inserted))
    lines = new_text.split("\n")
    live.edit(LineEdit(first, old_last - first + 1, tuple(lines[first : new_last + 1])))
    return new_text


class Page:
    """What the preview page does with a patch (page_script.py), on (key, first line) pairs."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, int]] = []

    def apply(self, live: LiveDocument) -> None:
        patch = live.take_patch()
        if patch.full:
            self.shown = [(s.key, s.start) for s in patch.sections]
            return
        gone = set(patch.removed_keys)
        kept = [item for item in self.shown if item[0] not in gone]
        at = len(kept) if patch.before_key is None else [k for k, _ in kept].index(patch.before_key)
        moved = [(k, line + patch.line_shift) for k, line in kept[at:]]
        self.shown = kept[:at] + [(s.key, s.start) for s in patch.inserted] + moved


@pytest.mark.parametrize("seed", range(12))
def test_random_edits_render_as_the_whole_text_would(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(CHAPTER.format(n=n % 4) for n in range(8))
    live = fresh(text)
    page = Page()
    page.apply(live)
    for _ in range(60):
        position = rng.randrange(len(text) + 1)
        removed = rng.choice([0, 0, 0, 1, 5, 40])
        removed = min(removed, len(text) - position)
        text = apply_text_edit(live, text, position, removed, rng.choice(SNIPPETS))
        assert live.text == text
        assert_same(live)
        if rng.random() < 0.4:
            page.apply(live)
            assert page.shown == [(s.key, s.start) for s in live.sections]


def test_typing_in_a_paragraph_renders_one_section_and_moves_nothing() -> None:
    text = "".join(CHAPTER.format(n=n) for n in range(30))
    live = fresh(text)
    live.take_patch()
    position = text.index("We kept", len(text) // 2)
    text = apply_text_edit(live, text, position, 0, "x")
    patch = live.take_patch()
    assert not patch.full and len(patch.inserted) == 1 and len(patch.removed_keys) == 1
    assert patch.line_shift == 0
    assert live.local_renders == 1 and live.full_renders == 1
    assert_same(live)


def test_enter_shifts_the_sections_below_without_rendering_them() -> None:
    text = "".join(CHAPTER.format(n=n) for n in range(30))
    live = fresh(text)
    live.take_patch()
    text = apply_text_edit(live, text, text.index("We kept", len(text) // 2), 0, "\n\n")
    patch = live.take_patch()
    assert not patch.full and patch.line_shift == 2 and len(patch.inserted) == 1
    assert patch.before_key is not None
    assert_same(live)


def test_an_opened_fence_falls_back_to_the_whole_render() -> None:
    text = "".join(CHAPTER.format(n=n) for n in range(6))
    live = fresh(text)
    text = apply_text_edit(live, text, text.index("## Camp 2"), 0, "~~~\n")  # never closed
    assert live.full_renders == 2
    assert_same(live)


def test_edits_between_patches_add_up() -> None:
    text = "".join(CHAPTER.format(n=n) for n in range(30))
    live = fresh(text)
    live.take_patch()
    for word in ("a", "b", "\n", "c"):
        text = apply_text_edit(live, text, text.index("We kept", len(text) // 3), 0, word)
    # A second place a few sections further on: one patch covers both.
    text = apply_text_edit(live, text, text.index("We kept", len(text) // 3 + 1000), 0, "\n")
    patch = live.take_patch()
    assert not patch.full and patch.line_shift == 2
    shown = fresh(text)
    assert [s.key for s in patch.sections] == [s.key for s in shown.sections]
    assert_same(live)


def test_a_last_line_typed_at_the_very_end() -> None:
    text = CHAPTER.format(n=1)
    live = fresh(text)
    for letter in "The end":
        text = apply_text_edit(live, text, len(text), 0, letter)
    assert_same(live)


def test_headings_keep_their_level_until_a_level_one_heading_comes_and_after_it_goes() -> None:
    text = "Intro.\n\n## Approach\n\nScree.\n\n### Camp\n\nTents.\n"
    live = fresh(text)
    assert "<h2" in live.html() and "<h3" in live.html() and "<h4" not in live.html()
    text = apply_text_edit(live, text, 0, 0, "# Part one\n\n")
    assert_same(live)
    assert "<h2" in live.html() and "<h3" in live.html() and "<h4" in live.html()  # all one down
    assert "<h1" not in live.html()  # the title keeps the page's only h1
    text = apply_text_edit(live, text, 0, len("# Part one\n\n"), "")
    assert_same(live)
    assert "<h4" not in live.html() and "<h2" in live.html()
