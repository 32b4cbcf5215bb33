"""The one-call render functions preview, export and templates use."""

from __future__ import annotations

import re

from fieldnotes_desktop.render.parser import ENV_NO_SOURCE_LINES, markdown_parser
from fieldnotes_desktop.render.sanitize import ImageUrl, Sanitizer
from fieldnotes_desktop.render.section_renderer import SectionRenderer
from fieldnotes_desktop.render.template import make_template

# Sanitized HTML quotes attributes with `"` and escapes `<` in text, so these only meet tags.
_ID_ATTR_RE = re.compile(r'\sid="([^"]*)"')
_FRAGMENT_HREF_RE = re.compile(r'\shref="#([^"]*)"')


def render_markdown(source: str, *, image_url: ImageUrl | None = None) -> str:
    """An entry body's Markdown as a sanitized HTML fragment (no `<html>`/`<body>`).

    Front matter at the top is dropped. Block elements carry `data-line` (0-based
    source line). Output is deterministic, and identical to a `SectionRenderer`
    render without the section wrappers: it is built the same way.

    `image_url` receives each image source as written (percent-decoded) and returns
    the URL to publish, or None to keep the source as is.
    """
    return SectionRenderer(image_url=image_url, cache_size=0).render(source).inner_html


def render_inline(markdown: str, *, image_url: ImageUrl | None = None, id_prefix: str = "") -> str:
    """Short Markdown fields (the site's *now* text, a summary) as sanitized HTML.

    A full block render (paragraphs included) without `data-line`: these fields are
    not the editor's buffer. `id_prefix` goes before every id and the in-page links to
    them, so a field shown on the same page as an entry body (its footnotes are `fn1` too)
    keeps ids of its own.
    """
    md = markdown_parser()
    html = md.render(markdown, {ENV_NO_SOURCE_LINES: True})
    html = make_template(Sanitizer(image_url).clean(html)).fill(0, set())
    return prefix_ids(html, id_prefix) if id_prefix else html


def prefix_ids(html: str, prefix: str) -> str:
    """Every id of sanitized `html`, and each `href="#id"` pointing at one of them, with `prefix`."""
    ids = set(_ID_ATTR_RE.findall(html))
    if not ids:
        return html
    html = _ID_ATTR_RE.sub(lambda m: f' id="{prefix}{m.group(1)}"', html)
    return _FRAGMENT_HREF_RE.sub(
        lambda m: f' href="#{prefix}{m.group(1)}"' if m.group(1) in ids else m.group(0), html
    )
