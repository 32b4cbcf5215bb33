"""What a page tells search engines and link previews about itself: description, canonical address, Open Graph, Twitter card.

Addresses in these tags must be absolute (a preview fetches them from elsewhere), so the
canonical link, `og:url` and an image of the site itself are given only once the site has an
address (`SiteProfile.base_url`); an image elsewhere on the web is absolute already.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from fieldnotes_desktop.export.context import EntryPageContext, entry_path
from fieldnotes_desktop.records import SiteProfile

_IMG = re.compile(r'<img\b((?:[^>"]|"[^"]*")*)>', re.IGNORECASE)
_SRC = re.compile(r'\ssrc="([^"]*)"')
_ALT = re.compile(r'\salt="([^"]*)"')
_WEB = ("https://", "http://")


@dataclass(frozen=True, slots=True)
class SocialImage:
    """The picture a link preview shows: an absolute address, its size when known, its alt text."""

    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""


@dataclass(frozen=True, slots=True)
class PageMeta:
    """The head tags of one page (`_head_meta.html` writes them)."""

    title: str
    site_name: str
    description: str = ""
    og_type: str = "website"  # "article" for an entry
    canonical: str | None = None  # absolute; None without a site address
    image: SocialImage | None = None
    author: str = ""
    published_time: str = ""  # ISO 8601: the day, and its time when known
    section: str = ""
    tags: tuple[str, ...] = ()

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image is not None else "summary"


def site_name(site: SiteProfile) -> str:
    return site.title.strip() or "Field Notes"


def absolute(site: SiteProfile, site_path: str) -> str | None:
    """The published address of a path of the site (`assets/x.jpg`), or None without a site address."""
    return site.base_url + site_path if site.base_url else None


def entry_meta(ctx: EntryPageContext, description: str, image: SocialImage | None) -> PageMeta:
    entry, site, extras = ctx.entry, ctx.site, ctx.extras
    published = entry.date.isoformat() + (f"T{extras.published_time}" if extras.published_time else "")
    return PageMeta(
        title=ctx.title,
        site_name=site_name(site),
        description=description,
        og_type="article",
        canonical=absolute(site, entry_path(entry.slug)),
        image=image,
        author=extras.author or site.author.strip(),
        published_time=published,
        section=entry.category,
        tags=tuple(tag.title for tag in ctx.tags),
    )


def listing_meta(site: SiteProfile, path: str, title: str, description: str) -> PageMeta:
    """The head tags of the index (`path` ""), an archive or the now page."""
    return PageMeta(
        title=title,
        site_name=site_name(site),
        description=description,
        canonical=absolute(site, path),
        author=site.author.strip(),
    )


def web_image(address: str, alt: str = "") -> SocialImage | None:
    """An image elsewhere on the web, as written (`https://…`); None for any other address."""
    address = address.strip()
    return SocialImage(address, alt=alt) if address.lower().startswith(_WEB) else None


def external_cover(ctx: EntryPageContext) -> SocialImage | None:
    """The entry's cover when it is an address on the web (what a page built without the database can show)."""
    return web_image(ctx.extras.cover)


def images_in(fragment: str) -> Iterator[tuple[str, str]]:
    """The source and alt text of each `<img>` of sanitized `fragment`, unescaped, in order."""
    for match in _IMG.finditer(fragment):
        src, alt = _SRC.search(match.group(1)), _ALT.search(match.group(1))
        if src is not None:
            yield html.unescape(src.group(1)), html.unescape(alt.group(1)) if alt else ""
