"""The one-call render functions preview, export and templates use."""

from __future__ import annotations

from fieldnotes_desktop.render.parser import ENV_NO_SOURCE_LINES, markdown_parser
from fieldnotes_desktop.render.sanitize import ImageUrl, Sanitizer
from fieldnotes_desktop.render.section_renderer import SectionRenderer
from fieldnotes_desktop.render.template import make_template


def render_markdown(source: str, *, image_url: ImageUrl | None = None) -> str:
    """An entry body's Markdown as a sanitized HTML fragment (no `<html>`/`<body>`).

    Front matter at the top is dropped. Block elements carry `data-line` (0-based
    source line). Output is deterministic, and identical to a `SectionRenderer`
    render without the section wrappers: it is built the same way.

    `image_url` receives each image source as written (percent-decoded) and returns
    the URL to publish, or None to keep the source as is.
    """
    return SectionRenderer(image_url=image_url, cache_size=0).render(source).inner_html


def render_inline(markdown: str, *, image_url: ImageUrl | None = None) -> str:
    """Short Markdown fields (the site's *now* text, a summary) as sanitized HTML.

    A full block render (paragraphs included) without `data-line`: these fields are
    not the editor's buffer.
    """
    md = markdown_parser()
    html = md.render(markdown, {ENV_NO_SOURCE_LINES: True})
    return make_template(Sanitizer(image_url).clean(html)).fill(0, set())
