"""Ids in a rendered body never take the page's own (`fn-…`) nor each other's."""

from __future__ import annotations

import re

from fieldnotes_desktop.render import render_inline, render_markdown


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]*)"', html)


def test_a_heading_whose_slug_starts_with_fn_is_moved_out_of_the_page_namespace() -> None:
    html = render_markdown("## Fn entry footer\n\n## fn-more-title\n")
    assert _ids(html) == ["user-fn-entry-footer", "user-fn-more-title"]


def test_raw_html_ids_are_prefixed_so_they_cannot_hijack_page_or_footnote_ids() -> None:
    html = render_markdown(
        '<h2 id="fn-entry-footer">Raw heading</h2>\n\n'
        "Text <a id=\"fn1\">one</a>, <a ID='fn-entry-body'>two</a>, <a id=plain>three</a>.[^1]\n\n"
        "[^1]: The note.\n"
    )
    ids = _ids(html)
    assert not [i for i in ids if i.startswith("fn-")]
    assert {"user-fn-entry-footer", "user-fn1", "user-fn-entry-body", "user-plain"} <= set(ids)
    # the footnote itself still links both ways
    assert ids.count("fn1") == 1 and ids.count("fnref1") == 1
    assert 'href="#fn1"' in html and 'href="#fnref1"' in html
    assert len(ids) == len(set(ids))


def test_text_that_looks_like_an_id_attribute_is_left_as_written() -> None:
    html = render_markdown("<p>set id=3 and id=\"x\" in the config</p>\n")
    assert 'set id=3 and id="x" in the config' in html.replace("&quot;", '"')


def test_render_inline_with_a_prefix_keeps_its_ids_and_links_apart() -> None:
    html = render_inline("# Reading\n\nA note.[^1] Back [up](#reading), [away](#elsewhere).\n\n[^1]: n\n", id_prefix="now-")
    assert set(_ids(html)) == {"now-reading", "now-fn1", "now-fnref1"}
    assert 'href="#now-reading"' in html and 'href="#now-fn1"' in html and 'href="#now-fnref1"' in html
    assert 'href="#elsewhere"' in html  # not one of its own ids: left as written
