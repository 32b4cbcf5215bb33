"""The one-call render functions preview, export and templates use."""

from __future__ import annotations

import re
from functools import lru_cache

from fieldnotes_desktop.render.parser import ENV_NO_SOURCE_LINES, markdown_parser
from fieldnotes_desktop.render.sanitize import ImageUrl, Sanitizer
from fieldnotes_desktop.render.section_renderer import SectionRenderer
from fieldnotes_desktop.render.smart_punctuation import typeset
from fieldnotes_desktop.render.template import make_template
from fieldnotes_desktop.render.typography import DEFAULT_TYPOGRAPHY, Typography

# Sanitized HTML quotes attributes with `"` and escapes `<` in text, so these only meet tags.
_ID_ATTR_RE = re.compile(r'\sid="([^"]*)"')
_FRAGMENT_HREF_RE = re.compile(r'\shref="#([^"]*)"')
# What smart typography can change in plain text; a title without any is left as it is, at once.
_TYPESET_RE = re.compile(r"""['"]|--|\.\.\.""")


def render_markdown(
    source: str, *, image_url: ImageUrl | None = None, typography: Typography = DEFAULT_TYPOGRAPHY
) -> str:
    """An entry body's Markdown as a sanitized HTML fragment (no `<html>`/`<body>`).

    Front matter at the top is dropped. Block elements carry `data-line` (0-based
    source line). Output is deterministic, and identical to a `SectionRenderer`
    render without the section wrappers: it is built the same way.

    `image_url` receives each image source as written (percent-decoded) and returns
    the URL to publish, or None to keep the source as is. `typography`: the site's
    (`site_typography`); callers that publish always pass it.
    """
    renderer = SectionRenderer(image_url=image_url, cache_size=0, typography=typography)
    return renderer.render(source).inner_html


def render_inline(
    markdown: str,
    *,
    image_url: ImageUrl | None = None,
    id_prefix: str = "",
    typography: Typography = DEFAULT_TYPOGRAPHY,
) -> str:
    """Short Markdown fields (the site's *now* text, a summary) as sanitized HTML.

    A full block render (paragraphs included) without `data-line`: these fields are
    not the editor's buffer. `id_prefix` goes before every id and the in-page links to
    them, so a field shown on the same page as an entry body (its footnotes are `fn1` too)
    keeps ids of its own.
    """
    md = markdown_parser(typography)
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


def typeset_text(text: str, typography: Typography) -> str:
    """Plain text (an entry's title or summary: shown escaped, never parsed) with `typography`'s
    quotes, dashes and ellipses, so that a title reads as its body does."""
    if not typography.smart or _TYPESET_RE.search(text) is None:
        return text
    return _typeset(text, typography)


@lru_cache(maxsize=4096)  # a title is shown on its page, the lists, the feed and its neighbours' pages
def _typeset(text: str, typography: Typography) -> str:
    return typeset(markdown_parser(typography), text)
