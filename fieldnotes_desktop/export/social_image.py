"""What link previews of an entry's page show: its cover, or else the first picture of its body."""

from __future__ import annotations

import itertools

from fieldnotes_desktop.export.context import EntryPageContext
from fieldnotes_desktop.export.head_meta import SocialImage, absolute, images_in, web_image
from fieldnotes_desktop.export.images import ImageResolver
from fieldnotes_desktop.export.published_images import PublishedImages
from fieldnotes_desktop.records import Asset, SiteProfile
from fieldnotes_desktop.render.image_source import ImageSource


def social_image(
    ctx: EntryPageContext, body: str, images: ImageResolver, published: PublishedImages
) -> SocialImage | None:
    """What link previews of an entry's page show: its cover, or else the body's first picture.

    `images` resolves the cover as it resolved the body's images (so the cover is published too).
    A picture of the site needs the site's address; one on the web is given as it is. SVGs are
    passed over: link previews do not show them.
    """
    cover = ctx.extras.cover
    wanted = itertools.chain([(cover, "", True)] if cover else [], ((src, alt, False) for src, alt in images_in(body)))
    for reference, alt, is_cover in wanted:
        found = web_image(reference, alt)
        if found is None:  # a stored image, by its name (the cover) or its address on the page
            address = _address(images(reference)) if is_cover else reference
            asset = images.asset_at(address) if address else None
            found = _stored_image(ctx.site, asset, alt, published) if asset else None
        if found is not None:
            return found
    return None


def _address(resolved: str | ImageSource | None) -> str | None:
    return resolved.url if isinstance(resolved, ImageSource) else resolved


def _stored_image(site: SiteProfile, asset: Asset, alt: str, published: PublishedImages) -> SocialImage | None:
    if published.facts(asset).kind is None:
        return None  # an SVG, or a file no preview would show
    path, width, height = published.preview_file(asset)
    address = absolute(site, path)
    return None if address is None else SocialImage(address, width, height, alt)
