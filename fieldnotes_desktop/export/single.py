"""One entry as one HTML file: CSS inlined, images as data URIs, site links absolute or plain text."""

from __future__ import annotations

from fieldnotes_desktop.export import entry_page as parts
from fieldnotes_desktop.export.context import absolute_linker
from fieldnotes_desktop.export.html import relink_up_anchors
from fieldnotes_desktop.export.images import ImageResolver, data_uri
from fieldnotes_desktop.export.pages import inline_chrome
from fieldnotes_desktop.export.site import SiteBuilder
from fieldnotes_desktop.records import Entry
from fieldnotes_desktop.render import SectionRenderer, pygments_css


def single_file_page(builder: SiteBuilder, entry: Entry) -> str:
    """The entry page of `builder`'s site, standing alone for pasting into another tool."""
    site = builder.site
    link = absolute_linker(site.base_url)
    images = ImageResolver(builder.find_asset, lambda a: data_uri(a, builder.asset_data(a.sha256)))
    images.page = entry.slug
    body = parts.body_html(SectionRenderer(image_url=images, cache_size=0).render(entry.body))
    # Links an author wrote between entries (`../other/`) only mean something on the site itself.
    body = relink_up_anchors(body, link)
    builder.images.missing.extend(images.missing)
    ctx = builder.page_context(entry, link)
    css = builder.theme.source("site.css") + "\n" + pygments_css()
    return parts.entry_document(
        builder.theme,
        site=site,
        chrome=inline_chrome(css, link),
        page_title=f"{ctx.title} — {site.title}",
        description=entry.summary.strip(),
        header=parts.header_html(builder.theme, ctx),
        body=body,
        footer=parts.footer_html(builder.theme, ctx),
    )
