"""The Atom feed and the sitemap: absolute addresses from the site's base URL, stable ids."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fieldnotes_desktop.export.context import entry_path, shown_summary, shown_title
from fieldnotes_desktop.export.html import rebase_urls
from fieldnotes_desktop.export.pages import FEED, LazyRows
from fieldnotes_desktop.export.shelf import Chained, by_slug, newest_first
from fieldnotes_desktop.records import EntrySummary, SiteProfile
from fieldnotes_desktop.render.typography import site_typography

FEED_ENTRIES = 20
NO_BASE_URL_WARNING = (
    "The site has no address, so feed.xml uses relative links and sitemap.xml was not written; "
    "set it in Site settings (or `fieldnotes site --base-url https://…`) before publishing."
)


@dataclass(frozen=True, slots=True)
class FeedItem:
    id: str
    title: str
    href: str
    published: str
    updated: str
    category: str
    tags: tuple[str, ...]
    summary: str
    content: str
    base: str | None


@dataclass(frozen=True, slots=True)
class Feed:
    id: str
    subtitle: str
    updated: str
    self_href: str
    home_href: str
    base: str | None
    entries: tuple[FeedItem, ...]


@dataclass(frozen=True, slots=True)
class SitemapUrl:
    loc: str
    lastmod: str | None


def rfc3339(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def _published(entry: EntrySummary) -> dt.datetime:
    return dt.datetime.combine(entry.date, dt.time(0, 0), tzinfo=dt.timezone.utc)


def feed_entries(entries: Sequence[EntrySummary]) -> list[EntrySummary]:
    """The newest entries, the ones a feed carries."""
    return list(newest_first(entries)[:FEED_ENTRIES])


def build_feed(
    site: SiteProfile,
    entries: Sequence[EntrySummary],
    bodies: Mapping[int, str],
    summaries: Mapping[int, str],
    now: dt.datetime,
) -> Feed:
    """`bodies` holds the entry pages' body HTML, whose relative links are re-pointed here.

    feed.xml sits at the site root, so links written for `slug/index.html` are rebased onto the
    root, and made absolute when the site has an address: many feed readers ignore xml:base.
    """
    base = site.base_url
    typography = site_typography(site)
    items = []
    for entry in feed_entries(entries):
        published = _published(entry)
        updated = max(published, entry.updated_at)
        page = base + entry_path(entry.slug) if base else f"{entry.slug}/index.html"
        body = bodies.get(entry.id, "")
        items.append(
            FeedItem(
                id=f"urn:uuid:{entry.uuid}",
                title=shown_title(entry, typography),
                href=page,
                published=rfc3339(published),
                updated=rfc3339(updated),
                category=entry.category,
                tags=entry.tags,
                summary=shown_summary(entry, typography) or summaries.get(entry.id, ""),
                content=rebase_urls(body, entry_path(entry.slug), base),
                base=page if base else None,
            )
        )
    newest = max((e.updated_at for e in entries), default=now)
    subtitle = " · ".join(p for p in (site.author, site.role, site.location) if p.strip())
    return Feed(
        # the feed's id must not change when the site moves, so it is derived from its title
        id=base or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'fieldnotes:' + site.title)}",
        subtitle=subtitle,
        updated=rfc3339(newest),
        self_href=base + FEED if base else FEED,
        home_href=base or "index.html",
        base=base or None,
        entries=tuple(items),
    )


class SitemapUrls(LazyRows[SitemapUrl]):
    """The sitemap's addresses, an entry's made only as the sitemap (or its digest) reaches it."""

    is_list = True

    def __init__(self, base: str, rows: Sequence[EntrySummary | SitemapUrl]) -> None:
        super().__init__(rows)  # type: ignore[arg-type]  # entries, and the few fixed addresses around them
        self._base = base

    def row(self, entry: EntrySummary | SitemapUrl) -> SitemapUrl:
        if isinstance(entry, SitemapUrl):
            return entry
        return SitemapUrl(self._base + entry_path(entry.slug), entry.updated_at.date().isoformat())


def sitemap_urls(
    site: SiteProfile,
    entries: Sequence[EntrySummary],
    archive_paths: Sequence[str],
) -> SitemapUrls:
    base = site.base_url
    newest = max((e.updated_at for e in entries), default=None)
    rows: list[EntrySummary | SitemapUrl] = [SitemapUrl(base, newest.date().isoformat() if newest else None)]
    tail = [SitemapUrl(base + "now/", None), *(SitemapUrl(base + path, None) for path in sorted(archive_paths))]
    return SitemapUrls(base, Chained(rows, by_slug(entries), tail))
