"""Smart typography: quotes by language, dashes and ellipses in prose, never in code or addresses; its own cache keys."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import pytest

from fieldnotes_desktop.render import render_inline, render_markdown, typeset_text
from fieldnotes_desktop.render.section_cache import (
    document_key,
    keys_for,
    renderer_version,
    section_key,
)
from fieldnotes_desktop.render.section_renderer import SectionRenderer
from fieldnotes_desktop.render.sections import scan_source
from fieldnotes_desktop.render.typography import PLAIN, Typography, typography_for

EN = typography_for("smart", "en")
DE = typography_for("smart", "de")
FR = typography_for("smart", "fr")


def smart(source: str, typography: Typography = EN) -> str:
    return render_markdown(source, typography=typography)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "“Go,” she said, ‘now’."),
        ("en-GB", "“Go,” she said, ‘now’."),
        ("de", "„Go,“ she said, ‚now‘."),
        ("de-AT", "„Go,“ she said, ‚now‘."),
        ("fr", "«&nbsp;Go,&nbsp;» she said, ‹&nbsp;now&nbsp;›."),  # no-break spaces inside
        ("es", "«Go,» she said, “now”."),
        ("pt-BR", "“Go,” she said, ‘now’."),
        ("pt-PT", "«Go,» she said, “now”."),
        ("pl", "„Go,” she said, «now»."),
        ("sv", "”Go,” she said, ’now’."),
        ("ja", "「Go,」 she said, 『now』."),
        ("zh-TW", "「Go,」 she said, 『now』."),
        ("xx-unknown", "“Go,” she said, ‘now’."),
    ],
)
def test_quotes_follow_the_language(language: str, expected: str) -> None:
    html = smart("\"Go,\" she said, 'now'.\n", typography_for("smart", language))
    assert f">{expected}</p>" in html


def test_plain_publishes_what_was_typed() -> None:
    source = "\"Go\" -- it's 1914--1918... the '90s --- done\n"
    assert typography_for("plain", "de") is PLAIN
    assert render_markdown(source, typography=PLAIN) == (
        '<p data-line="0">"Go" -- it\'s 1914--1918... the \'90s --- done</p>\n'
    )


def test_apostrophes_dashes_and_ellipses() -> None:
    html = smart("It's 1914--1918, the '90s -- and then --- wait... done.\n")
    assert ">It’s 1914–1918, the ’90s – and then — wait… done.</p>" in html


def test_what_markdown_its_replacements_would_change_stays_as_typed() -> None:
    # a list's "(c)", a tolerance, an option in a sentence, two dots, a long rule, an arrow
    source = "Choose (a) (b) or (c), 5 +- 1, pass --verbose, go to .. or ----, a --> b <-- c, wait....\n"
    html = smart(source)
    assert "(a) (b) or (c), 5 +- 1, pass --verbose, go to .. or ----, a --&gt; b &lt;-- c, wait....</p>" in html


@pytest.mark.parametrize(
    "source",
    [
        "Run `say \"hi\" -- it's...` here.\n",
        "```\nsay \"hi\" -- it's...\n```\n",
        "    say \"hi\" -- it's...\n",
        "<pre>\nsay \"hi\" -- it's...\n</pre>\n",
    ],
    ids=["code span", "fence", "indented", "raw html block"],
)
def test_never_inside_code(source: str) -> None:
    html = smart(source)
    assert "say &quot;hi&quot; -- it's..." in html or 'say "hi" -- it\'s...' in html
    assert "“" not in html and "–" not in html and "…" not in html


def test_never_in_attributes_addresses_or_raw_html() -> None:
    source = (
        '<span title="a -- b \'c\'">"x"</span> '
        '[the "link"](https://example.org/a--b...\'s "title -- t") '
        "![alt](photo--1....png) <https://example.org/it's--here> "
        "see https://example.org/x--y...z's today.\n"
    )
    html = smart(source)
    assert 'title="a -- b \'c\'"' in html and ">“x”</span>" in html
    assert 'href="https://example.org/a--b...\'s"' in html and 'title="title -- t"' in html
    assert ">the “link”</a>" in html
    assert 'src="photo--1....png"' in html
    assert ">https://example.org/it's--here</a>" in html
    assert "see https://example.org/x--y...z's today." in html


def test_a_backslash_keeps_a_quote_or_a_dash_as_typed() -> None:
    assert '>"as typed" and -- too</p>' in smart('\\"as typed\\" and \\-- too\n')


def test_front_matter_is_not_published_and_the_body_after_it_is_set() -> None:
    html = smart("---\ntitle: \"It's -- secret\"\n---\n\"Body\" -- here\n")
    assert "secret" not in html and ">“Body” – here</p>" in html


def test_heading_ids_are_the_heading_as_typed_whatever_the_typography() -> None:
    source = "## It's \"fine\" -- really...\n\nSee [it](#its-fine----really).\n"
    assert 'id="its-fine----really"' in render_markdown(source, typography=PLAIN)
    html = smart(source)
    assert 'id="its-fine----really"' in html and ">It’s “fine” – really…</h2>" in html


def test_short_fields_and_titles_are_set_the_same_way() -> None:
    assert "<p>„Jetzt“ – hier…</p>" in render_inline('"Jetzt" -- hier...', typography=DE)
    assert typeset_text("It's \"done\" -- 1914--1918...", EN) == "It’s “done” – 1914–1918…"
    assert typeset_text('Plain "title"', PLAIN) == 'Plain "title"'
    assert typeset_text("*not* <b>markup</b> -- https://x.org/a--b", EN) == "*not* <b>markup</b> – https://x.org/a--b"


# -- the cache keys -------------------------------------------------------------------------


class DictStore:
    def __init__(self) -> None:
        self.rows: dict[str, str] = {}

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        return {k: self.rows[k] for k in keys if k in self.rows}

    def put_many(self, payloads: Mapping[str, str]) -> None:
        self.rows.update(payloads)


POST = "## One\n\n\"Quoted\" -- text.\n\n## Two\n\nMore.\n"
NOTED = "## One\n\nA \"Quoted\" claim.[^1]\n\n[^1]: The source.\n"


def test_keys_differ_between_typographies_and_plain_keys_are_those_kept_before() -> None:
    text = "\"Quoted\" -- text.\n"
    keys = {section_key(text, t) for t in (PLAIN, EN, DE, FR)}
    assert len(keys) == 4
    assert document_key(scan_source(NOTED), PLAIN) != document_key(scan_source(NOTED), EN)
    assert not set(keys_for(scan_source(POST), PLAIN)) & set(keys_for(scan_source(POST), EN))
    # as typed, a key is what it was before typography was a setting: nothing kept is lost
    before = hashlib.blake2b(f"{renderer_version()}\0s\0{text}".encode(), digest_size=16).hexdigest()
    assert section_key(text, PLAIN) == before


@pytest.mark.parametrize("source", [POST, NOTED], ids=["sections", "footnotes"])
def test_sections_kept_as_typed_are_not_served_smart(source: str) -> None:
    store = DictStore()
    plain = SectionRenderer(shared=store, typography=PLAIN).render(source)
    assert store.rows and '"Quoted"' in plain.html
    renderer = SectionRenderer(shared=store, typography=EN)
    document = renderer.render(source)
    assert renderer.stats.shared_hits == 0
    assert "“" in document.html and '"Quoted"' not in document.html
    # and each is served to its own kind again
    again = SectionRenderer(shared=store, typography=PLAIN)
    assert again.render(source) == plain and again.stats.sections_rendered == 0


def test_quotes_around_a_bare_address_are_curled_and_the_address_kept() -> None:
    html = render_markdown('Go to "https://example.com" now, or to \'https://ex.org/a_(b)\'.')
    assert "“https://example.com”" in html
    assert "‘https://ex.org/a_(b)’." in html  # the address itself as typed
