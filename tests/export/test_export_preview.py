"""The preview page is the export's page: same template, same parts, no external fetch."""

from __future__ import annotations

import re
from pathlib import Path

from export_helpers import parse_page

from fieldnotes_desktop.export import PreviewPage, demote_headings, slug_from_href
from fieldnotes_desktop.render import SectionRenderer
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions


def test_shell_is_a_whole_page_with_the_three_regions_and_nothing_to_fetch(tmp_path: Path) -> None:
    shell = PreviewPage().shell_html()
    assert len(shell.encode()) < 100_000
    for region in ('<header id="fn-entry-header"', '<div id="fn-entry-body" class="entry-body"', '<footer id="fn-entry-footer"'):
        assert region in shell
    page = tmp_path / "shell.html"
    page.write_text(shell)
    parsed = parse_page(page)
    assert not [a for t, a in parsed.tags if t in ("link", "script", "img") and (a.get("href") or a.get("src")) and a.get("rel") != "alternate"]
    assert "<style>" in shell and "prefers-color-scheme: dark" in shell and ".fn-dark" in shell


_HEAD_META = r'^<(?:meta (?:name="(?:description|author|twitter:[\w:]+)"|property="[\w:]+")|link rel="canonical") [^>]*>\n'


def test_exported_page_is_shell_plus_header_sections_and_footer(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    samples.exports.export(ExportOptions(out=out))
    entry = samples.entries.get_by_slug("reading-the-wal-by-hand")
    ctx = samples.exports.page_context(entry)
    preview = PreviewPage()
    exported = (out / entry.slug / "index.html").read_text()
    header, footer = preview.header_html(ctx), preview.footer_html(ctx)
    body = preview.body_html(SectionRenderer(image_url=lambda ref: None).render(entry.body))
    assert f'<header id="fn-entry-header" class="entry-header">{header}</header>' in exported
    assert f'<footer id="fn-entry-footer" class="entry-footer">{footer}</footer>' in exported
    assert f'<div id="fn-entry-body" class="entry-body">{body}</div>' in exported
    # Apart from the stylesheet (inline in the shell, linked in the export), the frames are the same.
    shell = re.sub(r"<style>.*?</style>\n", "", preview.shell_html(samples.site.get()), flags=re.S)
    exported_frame = re.sub(r'<link rel="stylesheet"[^>]*>\n', "", exported)
    exported_frame = exported_frame.replace(header, "").replace(footer, "").replace(body, "")
    exported_frame = re.sub(r"<title>.*?</title>\n", "", exported_frame)
    # what the page tells search engines and link previews (`_head_meta.html`): the export's alone
    exported_frame = re.sub(_HEAD_META, "", exported_frame, flags=re.M)
    shell = re.sub(r"<title>.*?</title>\n", "", shell)
    assert exported_frame == shell


def test_page_context_of_a_draft_gives_the_number_it_would_get(samples: Services) -> None:
    draft = samples.entries.get_by_slug("a-garden-at-fourteen-hundred-metres")
    ctx = samples.exports.page_context(draft)
    assert ctx.masthead == "VOL.02 — FIELD NOTES · ENTRY 04/04"
    assert ctx.is_draft and ctx.elevation_label == "▲ 1,400M"
    assert ctx.meta_line == "Mountains · March 15, 2025 · 1 min read"
    assert [link.href for link in ctx.more][0] == "../three-nights-below-the-ridge/index.html"


def test_demote_headings_shifts_every_level_but_the_last() -> None:
    html = '<h1 id="a">A</h1><h2>B</h2><h5 data-line="3">E</h5><h6>F</h6><p>&lt;h1&gt; stays text</p><header>x</header>'
    assert demote_headings(html) == (
        '<h2 id="a">A</h2><h3>B</h3><h6 data-line="3">E</h6><h6>F</h6><p>&lt;h1&gt; stays text</p><header>x</header>'
    )


def test_slug_from_href_reads_entry_links_only() -> None:
    assert slug_from_href("../some-entry/index.html") == "some-entry"
    assert slug_from_href("../some-entry/") == "some-entry"
    assert slug_from_href("../now/index.html") is None
    assert slug_from_href("../category/data/index.html") is None
    assert slug_from_href("https://example.com/x/") is None
