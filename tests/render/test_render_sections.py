"""Section splitting and the cached SectionRenderer."""

from __future__ import annotations

import re

from fieldnotes_desktop.render import SectionRenderer, render_markdown, split_sections

BOOK = "".join(
    f"# Chapter {n}\n\nPara {n} with *emphasis*.\n\n```python\nx = {n}\n```\n\n" for n in range(12)
)


def _strip_wrappers(html: str) -> str:
    return re.sub(r'<section class="fn-section"[^>]*>|</section>\n(?=<section|$)', "", html)


def test_split_at_atx_and_setext_headings_with_preamble() -> None:
    source = "intro\n\n# One\ntext\n\nTwo\n===\n\n## Three\n"
    sections = split_sections(source)
    assert [(s.start_line, s.end_line) for s in sections] == [(0, 2), (2, 5), (5, 8), (8, 9)]
    assert "".join(s.text for s in sections) == source


def test_heading_inside_fence_or_html_block_is_not_a_split() -> None:
    source = (
        "# Real\n\n```\n# not a heading\n```\n\n~~~~\n# nor this\n```\n# still code\n~~~~\n\n"
        "<div>\n# inside html\n</div>\n\n<!--\n\n# in a comment\n-->\n\n# Second\n"
    )
    sections = split_sections(source)
    assert [s.text.splitlines()[0] for s in sections] == ["# Real", "# Second"]


def test_front_matter_comment_is_not_a_split() -> None:
    sections = split_sections("---\ntitle: x\n# comment\n---\n# Heading\n")
    assert [s.start_line for s in sections] == [0, 4]


def test_keys_ignore_position_and_stay_unique() -> None:
    first = split_sections("# A\n\nsame\n\n# A\n\nsame\n\n")
    moved = split_sections("preface\n\n# A\n\nsame\n\n# A\n\nsame\n\n")
    assert first[0].key != first[1].key  # identical text, still distinct keys
    assert first[0].key.partition("-")[0] == first[1].key.partition("-")[0]
    assert [s.key for s in first] == [s.key for s in moved[1:]]


def test_only_the_edited_section_is_rendered_again() -> None:
    renderer = SectionRenderer()
    renderer.render(BOOK)
    assert renderer.stats.sections_rendered == 12
    edited = BOOK.replace("Para 5 with", "Para 5, edited, with")
    document = renderer.render(edited)
    assert renderer.stats.sections_rendered == 13
    assert renderer.stats.cache_hits == 11
    assert not document.full_render
    assert "Para 5, edited" in document.sections[5].html


def test_cached_sections_get_absolute_lines_after_lines_are_inserted() -> None:
    renderer = SectionRenderer()
    renderer.render(BOOK)
    shifted = "New opening line.\n\n" + BOOK
    document = renderer.render(shifted)
    assert renderer.stats.sections_rendered == 13  # only the new preamble
    assert document.html == SectionRenderer().render(shifted).html
    last = document.sections[-1]
    lines = shifted.split("\n")
    for match in re.finditer(r'data-line="(\d+)"', last.html):
        assert int(match.group(1)) >= last.start_line
    assert lines[int(re.findall(r'<h1 id="[^"]*" data-line="(\d+)"', last.html)[0])] == "# Chapter 11"


def test_section_render_matches_full_render() -> None:
    document = SectionRenderer().render(BOOK)
    assert _strip_wrappers(document.html) == render_markdown(BOOK)
    assert document.inner_html == render_markdown(BOOK)
    assert document.sections[3].html.startswith(
        f'<section class="fn-section" data-key="{document.sections[3].key}" data-lines="24-32">'
    )


def test_duplicate_heading_ids_are_unique_across_sections() -> None:
    document = SectionRenderer().render("# Camp\n\n## Camp\n\n# Camp\n\n> # Camp\n")
    assert re.findall(r'id="([^"]*)"', document.html) == ["camp", "camp-1", "camp-2", "camp-3"]


def test_footnotes_force_one_full_render_with_one_footnote_list() -> None:
    source = "# A\n\nFirst.[^a]\n\n# B\n\nSecond.[^b]\n\n[^a]: Note a.\n[^b]: Note b.\n"
    renderer = SectionRenderer()
    document = renderer.render(source)
    assert document.full_render
    assert renderer.stats.full_renders == 1
    assert len(document.sections) == 2
    assert document.html.count('<section class="footnotes">') == 1
    assert 'href="#fn1"' in document.sections[0].html
    assert 'href="#fn2"' in document.sections[1].html
    assert document.html.index("Note a.") < document.html.index("Note b.")
    assert document.inner_html == render_markdown(source)


def test_reference_definition_in_a_later_section_resolves() -> None:
    source = "# A\n\nSee [the map][map].\n\n# B\n\n[map]: https://example.org/map\n"
    document = SectionRenderer().render(source)
    assert document.full_render
    assert '<a href="https://example.org/map"' in document.sections[0].html
    # Without the fallback the first section, rendered alone, would keep the brackets.
    assert "[the map]" not in document.html


def test_rendering_is_deterministic() -> None:
    source = BOOK + "- [ ] task\n\n| a |\n|---|\n| b |\n\nNote[^1]\n\n[^1]: n\n"
    outputs = {SectionRenderer().render(source).html for _ in range(3)}
    outputs |= {SectionRenderer().render(source).html}
    assert len(outputs) == 1
    assert len({render_markdown(source) for _ in range(3)}) == 1


def test_empty_document() -> None:
    assert SectionRenderer().render("").sections == ()
    assert render_markdown("") == ""
    assert split_sections("") == []


def test_no_split_where_front_matter_would_be_misread() -> None:
    # Splitting before `---` would make that section start with "front matter".
    source = "intro\n\n---\ntitle\n---\n\nmore\n"
    assert [s.start_line for s in split_sections(source)] == [0]
    assert "<hr" in render_markdown(source)


TRICKY = """Preamble with a lazy
continuation line.

Setext one
==========

- list item
  ```
  # fenced inside a list
  ```
- [ ] task

> quote
lazy quote line
# Heading right after a quote

<div>
# inside an html block
</div>

<!-- comment

# heading inside a comment
-->

   ## Indented ATX heading

Two line
setext heading
--------------

| a | b |
|---|---|
| 1 | 2 |
# Heading after a table

    # indented code, not a heading

Final paragraph.
"""


def test_sections_render_like_one_pass_over_the_whole_document() -> None:
    # An unused reference definition forces the one-pass path; both must agree.
    one_pass = SectionRenderer().render(TRICKY + "\n[unused]: /nowhere\n")
    sectioned = SectionRenderer().render(TRICKY)
    assert one_pass.full_render and not sectioned.full_render
    assert len(sectioned.sections) >= 5
    assert [s.inner_html for s in sectioned.sections] == [s.inner_html for s in one_pass.sections]
    assert [(s.start_line, s.key) for s in sectioned.sections[:-1]] == [
        (s.start_line, s.key) for s in one_pass.sections[:-1]
    ]
