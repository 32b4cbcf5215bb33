"""An entry's body for the clipboard: the export's HTML with images inlined, and the same as plain text.

Images travel as data URIs: a mail client or a CMS editor that takes a paste keeps (or uploads)
an image it is handed whole, where a `file://` address means nothing once the mail is sent and
is one a web page may not load at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from fieldnotes_desktop.export.context import absolute_linker
from fieldnotes_desktop.export.html import fit_headings, relink_up_anchors, strip_source_lines
from fieldnotes_desktop.export.images import AssetData, FindAsset, ImageResolver, data_uri
from fieldnotes_desktop.export.published_images import PublishedImages
from fieldnotes_desktop.records import Asset, SiteProfile
from fieldnotes_desktop.render import SectionRenderer
from fieldnotes_desktop.render.svg import UnsafeSvg, is_svg, sanitize_svg
from fieldnotes_desktop.render.typography import site_typography


@dataclass(frozen=True, slots=True)
class ClipboardBody:
    html: str  # a fragment, as feed readers get the body
    text: str  # what the page reads as, without Markdown or markup


def clipboard_body(markdown: str, site: SiteProfile, find: FindAsset, data: AssetData) -> ClipboardBody:
    """The body rendered as the export renders it, without the editor's line marks.

    Links to other entries (`../slug/`) point at the published site, or become plain text
    when the site has no address yet.
    """
    inlined: dict[str, str] = {}
    published = PublishedImages(data, copies=False)  # a photo travels without where it was taken

    def inline(asset: Asset) -> str:
        if asset.sha256 not in inlined:
            try:
                svg = is_svg(asset.filename, asset.mime)
                shown = sanitize_svg(data(asset.sha256)) if svg else published.original(asset)
                inlined[asset.sha256] = data_uri(asset, shown)
            except UnsafeSvg:
                inlined[asset.sha256] = ""  # no image rather than one that could run script
        return inlined[asset.sha256]

    images = ImageResolver(find, inline, lambda asset, url: published.source(asset, url, lazy=False))
    renderer = SectionRenderer(image_url=images, cache_size=0, typography=site_typography(site))
    fragment = strip_source_lines(fit_headings(renderer.render(markdown).inner_html))
    fragment = relink_up_anchors(fragment, absolute_linker(site.base_url))
    return ClipboardBody(fragment, plain_text(fragment))


_BLOCKS = frozenset({"p", "div", "section", "blockquote", "pre", "ul", "ol", "table", "figure", "hr",
                     "h1", "h2", "h3", "h4", "h5", "h6", "dl"})
_BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(fragment: str) -> str:
    """Sanitized HTML as text: blocks apart by a blank line, list items as `• `, code as written."""
    reader = _TextReader()
    reader.feed(fragment)
    reader.close()
    lines = "".join(reader.parts).split("\n")
    text = "\n".join(line.rstrip() for line in lines)
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


class _TextReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_pre = 0
        self._lists: list[list[int]] = []  # per open list: [next number], or [] for bullets

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag == "pre":
            self._in_pre += 1
        elif tag in ("ul", "ol"):
            self._lists.append([int(dict(attrs).get("start") or 1)] if tag == "ol" else [])
        elif tag == "li":
            numbers = self._lists[-1] if self._lists else []
            mark = f"{numbers[0]}. " if numbers else "• "
            if numbers:
                numbers[0] += 1
            self.parts.append("\n" + "  " * max(0, len(self._lists) - 1) + mark)
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")
        elif tag == "tr":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._in_pre = max(0, self._in_pre - 1)
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_pre:
            self.parts.append(data)
        else:
            self.parts.append(re.sub(r"\s+", " ", data))

