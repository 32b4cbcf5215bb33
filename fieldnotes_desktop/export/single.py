"""One entry as one HTML file: CSS inlined, images as data URIs, site links absolute or plain text."""

from __future__ import annotations

from fieldnotes_desktop.export import entry_page as parts
from fieldnotes_desktop.export.context import absolute_linker, shown_summary
from fieldnotes_desktop.export.head_meta import entry_meta
from fieldnotes_desktop.export.html import excerpt, relink_up_anchors
from fieldnotes_desktop.export.images import ImageResolver, data_uri
from fieldnotes_desktop.export.pages import inline_chrome
from fieldnotes_desktop.export.published_images import PublishedImages
from fieldnotes_desktop.export.site import SiteBuilder
from fieldnotes_desktop.export.social_image import social_image
from fieldnotes_desktop.records import Asset, Entry
from fieldnotes_desktop.render import SectionRenderer, pygments_css
from fieldnotes_desktop.render.svg import UnsafeSvg, is_svg, sanitize_svg


def single_file_page(builder: SiteBuilder, entry: Entry) -> str:
    """The entry page of `builder`'s site, standing alone for pasting into another tool."""
    site = builder.site
    link = absolute_linker(site.base_url)
    inlined: dict[str, str] = {}
    # Sizes, but no copies: the images travel inside the page, all at hand (and a print must not
    # wait for images that load only when scrolled to).
    published = PublishedImages(builder.asset_data, copies=False, warnings=builder.warnings)
    images = ImageResolver(
        builder.find_asset,
        lambda a: _inline(builder, published, a, inlined),
        lambda asset, url: published.source(asset, url, lazy=False),
    )
    images.page = entry.slug
    renderer = SectionRenderer(image_url=images, cache_size=0, typography=builder.typography)
    document = renderer.render(entry.body)
    builder.alt_text.check(entry, document.inner_html, images.name_of)
    body = parts.body_html(document)
    # Links an author wrote between entries (`../other/`) only mean something on the site itself.
    body = relink_up_anchors(body, link)
    ctx = builder.page_context(entry, link)
    image = social_image(ctx, body, images, published)  # the cover is looked up too: missed, it says so
    builder.images.missing.extend(images.missing)
    css = builder.theme.source("site.css") + "\n" + pygments_css()
    description = shown_summary(entry, builder.typography) or excerpt(body)  # as the site's page says it
    return parts.entry_document(
        builder.theme,
        site=site,
        chrome=inline_chrome(css, link),
        page_title=f"{ctx.title} — {site.title}",
        description=description,
        header=parts.header_html(builder.theme, ctx),
        body=body,
        footer=parts.footer_html(builder.theme, ctx),
        meta=entry_meta(ctx, description, image),
    )


def _inline(builder: SiteBuilder, published: PublishedImages, asset: Asset, done: dict[str, str]) -> str:
    """The asset as a data URI, an SVG made inert first, a photo without its metadata; "" (no
    image) for one that cannot be."""
    if asset.sha256 not in done:
        uri = ""
        if is_svg(asset.filename, asset.mime):
            try:
                uri = data_uri(asset, sanitize_svg(builder.asset_data(asset.sha256)))
            except UnsafeSvg as exc:
                builder.warnings.append(f"{asset.filename} {exc}, so it was left out of the export.")
        else:
            uri = data_uri(asset, published.original(asset))
        done[asset.sha256] = uri
    return done[asset.sha256]
