"""The generator: turns a snapshot of entries into the files of the site, one job per file."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial

from fieldnotes_desktop import __version__

from fieldnotes_desktop.export import entry_page as parts
from fieldnotes_desktop.export.entry_page import ENTRY_DEPTH
from fieldnotes_desktop.export.alt_warnings import AltTextCheck
from fieldnotes_desktop.export.archives import archive_slugs
from fieldnotes_desktop.export.context import (
    Catalog,
    EntryPageContext,
    Linker,
    PageExtras,
    author_line,
    build_page_context,
    counted,
    initials,
    relative_linker,
)
from fieldnotes_desktop.store.scratch import Excerpts
from fieldnotes_desktop.export.feed import NO_BASE_URL_WARNING, build_feed, feed_entries, sitemap_urls
from fieldnotes_desktop.export.head_meta import listing_meta
from fieldnotes_desktop.export.html import demote_headings, excerpt
from fieldnotes_desktop.export.image_copies import copy_inputs
from fieldnotes_desktop.export.images import (
    AssetData,
    FindAsset,
    ImageResolver,
    asset_path,
    copy_path,
    is_external,
)
from fieldnotes_desktop.export.published_images import PublishedImages, original_inputs
from fieldnotes_desktop.export.pages import (
    FEED,
    PYGMENTS_CSS,
    SITE_CSS,
    linked_chrome,
    list_items,
    volume_groups,
)
from fieldnotes_desktop.export.page_workers import PageKit
from fieldnotes_desktop.export.template_page import TemplatePage
from fieldnotes_desktop.export.published import entry_page_path
from fieldnotes_desktop.export.shelf import Picked, Shelf
from fieldnotes_desktop.export.social_image import social_image
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.records import Asset, EntrySummary, SiteProfile
from fieldnotes_desktop.render import RenderedDocument, pygments_css, render_inline
from fieldnotes_desktop.render.section_cache import may_hold_images, renderer_version
from fieldnotes_desktop.render.svg import UnsafeSvg, is_svg, sanitize_svg
from fieldnotes_desktop.render.typography import site_typography

# Raise by one whenever the export's own code changes what an entry page looks like (the
# context, the page's parts): pages kept by their inputs (`entry_inputs`) are then built again.
PAGE_VERSION = 3  # 2: body headings as written, smart typography; 3: head tags, image sizes and copies
SITE_TEMPLATES = ("index.html", "archive.html", "now.html", "feed.xml", "sitemap.xml")
# Assets a browser would open as a document that runs script, on the site's own origin.
ACTIVE_ASSET_SUFFIXES = (".svg", ".svgz", ".xml", ".xhtml", ".xht", ".html", ".htm")
ARCHIVE_DEPTH = "../../"


@dataclass(frozen=True, slots=True)
class SiteSnapshot:
    """What one export reads from the database, all in one transaction."""

    site: SiteProfile
    # The entries this export publishes, without their bodies: those are read a batch at a time.
    # For a whole site, a `Shelf` of every entry outside the trash or a `Picked` of it.
    entries: Sequence[EntrySummary]
    finished: Sequence[EntrySummary]  # every finished entry: numbering and "More field notes"
    extras: Mapping[int, PageExtras] = field(default_factory=dict)  # by entry id, for those that have any


@dataclass(frozen=True, slots=True)
class Job:
    """One file of the site; `make` builds its content only when the writer gets to it."""

    path: str
    label: str
    make: Callable[[], str | bytes | Iterator[str]]  # text a piece at a time, for the list pages
    # A digest of what the file is made from: the writer keeps the last export's file when it
    # matches, and `make` is never called (None: always made).
    inputs: Callable[[], str] | None = None
    release: Callable[[], None] | None = None  # drops what `inputs` computed, once the job is done


def catalog_for(site: SiteProfile, finished: Sequence[EntrySummary], listed: Sequence[EntrySummary]) -> Catalog:
    categories: set[str] = set()
    tags: set[str] = set()
    # A whole site lists either the finished entries or every one: a single pass then.
    everyone = listed if listed is finished or isinstance(listed, Shelf) else itertools.chain(finished, listed)
    for entry in everyone:
        categories.add(entry.category)
        tags.update(entry.tags)
    return Catalog.of(site, finished, category_slugs=archive_slugs(categories), tag_slugs=archive_slugs(tags))


def archive_members(entries: Sequence[EntrySummary]) -> dict[str, dict[str, Picked]]:
    """The entries of every category and tag archive, grouped in one pass over the export.

    Each archive holds its entries' positions: on a shelf, four bytes an entry and archive.
    """
    base = entries.entries if isinstance(entries, Picked) else entries
    numbered = zip(entries.positions, entries) if isinstance(entries, Picked) else enumerate(entries)
    groups: dict[str, dict[str, Picked]] = {"category": {}, "tag": {}}
    for position, entry in numbered:
        if entry.category:
            groups["category"].setdefault(entry.category, Picked(base)).append(position)
        for tag in entry.tags:
            groups["tag"].setdefault(tag, Picked(base)).append(position)
    return groups


NOW_ID_PREFIX = "now-"


def now_html(site: SiteProfile) -> str:
    """The now text as entry pages show it, its ids apart from the body's (both may have `fn1`)."""
    if not site.now_md.strip():
        return ""
    return demote_headings(render_inline(site.now_md, id_prefix=NOW_ID_PREFIX, typography=site_typography(site)))


class SiteBuilder:
    """Renders pages through the theme; collects warnings, summaries and the images pages need."""

    def __init__(
        self,
        theme: Theme,
        snapshot: SiteSnapshot,
        *,
        now: dt.datetime,
        find_asset: FindAsset,
        asset_data: AssetData,
    ) -> None:
        self.theme = theme
        self.snapshot = snapshot
        self.site = snapshot.site
        self.typography = site_typography(snapshot.site)  # the bodies', titles' and now text's
        self._now = now
        self.find_asset = find_asset
        self.asset_data = asset_data
        self.catalog = catalog_for(snapshot.site, snapshot.finished, snapshot.entries)
        self.warnings: list[str] = []
        self.published = PublishedImages(asset_data, warnings=self.warnings)
        # Bodies are rendered by the caller (export/bodies.py) through this resolver.
        self.images = ImageResolver(
            find_asset,
            lambda asset: ENTRY_DEPTH + asset_path(asset),
            lambda asset, url: self.published.source(asset, url, _entry_copy_url),
        )
        self.alt_text = AltTextCheck()
        self._now_html = now_html(snapshot.site)
        self._summaries = Excerpts()
        self._feed_ids = {e.id for e in feed_entries(snapshot.entries)}
        self._feed_bodies: dict[int, str] = {}
        self._archives = archive_members(snapshot.entries)

    # -- plans -----------------------------------------------------------------------------

    # -- pages a later export may keep --------------------------------------------------------

    def entry_inputs(self, entry: EntrySummary, body: str, ctx: EntryPageContext | None = None) -> str | None:
        """A digest of everything the page of `entry` is made from, or None when it must be built.

        The page is the theme applied to its context and its body, nothing else: the same digest
        means the same bytes. Pages in the feed are always built (the feed wants their body),
        and so are pages with images, whose addresses depend on the images in the database.
        `ctx`: the page's context, when the caller has made it already.
        """
        if entry.id in self._feed_ids or self.holds_images(entry, body):
            return None
        return parts.page_inputs(self._page_base, ctx or self.page_context(entry), body)

    def holds_images(self, entry: EntrySummary, body: str) -> bool:
        """Whether the page of `entry` shows (or previews) an image stored in the database: then only
        this process can build it, and no later export keeps it by its inputs."""
        if may_hold_images(body):
            return True
        cover = self.snapshot.extras.get(entry.id, _NO_COVER).cover
        return bool(cover) and not is_external(cover)

    def kept(self, entry: EntrySummary, excerpt: str) -> None:
        """The page of `entry` was kept as the last export made it; its excerpt still feeds the lists."""
        if not entry.summary.strip():
            self._summaries[entry.id] = excerpt

    def excerpt_of(self, entry: EntrySummary) -> str:
        return self._summaries.get(entry.id, "")

    def close(self) -> None:
        """Lets go of what the lists and the image files held, once the export is written or given up."""
        self._summaries.close()
        self.published.release()

    @cached_property
    def _page_base(self) -> bytes:
        shared = f"{PAGE_VERSION}\0{__version__}\0{renderer_version()}\0{self._theme_fingerprint}\0"
        return (shared + f"{self.site!r}\0{self._now_html}\0").encode("utf-8", "surrogatepass")

    @cached_property
    def page_kit(self) -> PageKit:
        """What the export's workers need to build entry pages with this builder's theme."""
        return PageKit(
            self.theme.override_dir, self.theme.seconds, self._theme_fingerprint, self._page_base, self.typography
        )

    @cached_property
    def _theme_fingerprint(self) -> str:
        return self.theme.fingerprint()

    entry_page_path = staticmethod(entry_page_path)

    def stylesheet_jobs(self) -> list[Job]:
        return [
            Job(SITE_CSS, "site.css", lambda: self.theme.source("site.css")),
            Job(PYGMENTS_CSS, "pygments.css", pygments_css),
        ]

    def site_jobs(self) -> list[Job]:
        """Index, now, archives, feed and sitemap: they run after the entry pages they summarise."""
        jobs = [
            self._page_job("index.html", "index", "index.html", self._index_values),
            self._page_job("now/index.html", "now", "now.html", self._now_values),
        ]
        for kind in ("category", "tag"):
            for name, slug in self._listed_slugs(kind).items():
                values = partial(self._archive_values, kind, name)
                jobs.append(self._page_job(f"{kind}/{slug}/index.html", f"{kind} {name}", "archive.html", values))
        jobs.append(Job(FEED, "feed", self.feed))
        if self.site.base_url:
            jobs.append(self._page_job("sitemap.xml", "sitemap", "sitemap.xml", self._sitemap_values))
        return jobs

    def _page_job(self, path: str, label: str, template: str, values: Callable[[], dict[str, object]]) -> Job:
        page = TemplatePage(self.theme, template, values, self._page_base)
        return Job(path, label, page.chunks, page.inputs, page.release)

    def asset_jobs(self) -> list[Job]:
        """The images the rendered pages asked for; known only once those pages are built.

        SVGs are made inert again here, whatever the database holds (one made before imports
        sanitized them may hold a script); one that cannot be is left out, with a warning.
        """
        jobs = []
        for asset in sorted(self.images.needed.values(), key=asset_path):
            path = asset_path(asset)
            if not (path.endswith(ACTIVE_ASSET_SUFFIXES) or is_svg(asset.filename, asset.mime)):
                jobs += self._raster_jobs(asset, path)
                continue
            try:
                inert = sanitize_svg(self.asset_data(asset.sha256))
            except UnsafeSvg as exc:
                self.warnings.append(f"{asset.filename} {exc}, so it was left out of the export.")
                continue
            jobs.append(Job(path, asset.filename, partial(bytes, inert)))
        return jobs

    def _raster_jobs(self, asset: Asset, path: str) -> list[Job]:
        """An image's file without its metadata, and its smaller copies: each kept by the writer
        when the last export made it from the same bytes, so nothing is encoded twice."""
        jobs = [Job(path, asset.filename, partial(self.published.original, asset), partial(original_inputs, asset))]
        for width in self.published.facts(asset).copies:
            jobs.append(Job(
                copy_path(asset, width), f"{asset.filename} at {width} px",
                partial(self.published.copy, asset, width), partial(copy_inputs, asset.sha256, width),
            ))
        return jobs

    def check_templates(self, names: Sequence[str]) -> None:
        self.theme.check(tuple(names))

    # -- pages -----------------------------------------------------------------------------

    def page_context(self, entry: EntrySummary, link: Linker | None = None) -> EntryPageContext:
        around = self.catalog.surroundings(entry)
        extras = self.snapshot.extras.get(entry.id)
        return build_page_context(
            entry, self.catalog, around, self._now_html, link or relative_linker(ENTRY_DEPTH), extras
        )

    def entry_page(
        self, entry: EntrySummary, document: RenderedDocument, ctx: EntryPageContext | None = None
    ) -> parts.BuiltPage:
        """The page of `entry`, its body rendered already (with this builder's `images`).

        Every page with an image is built here (workers get none, and none is kept by its inputs),
        so its images' alt text is checked here.
        """
        ctx = ctx or self.page_context(entry)
        image = social_image(ctx, document.inner_html, self.images, self.published)
        page = parts.build_entry_page(self.theme, ctx, document, in_feed=self.in_feed(entry), image=image)
        self.alt_text.check(entry, document.inner_html, self.images.name_of)
        self.record(entry, page)
        return page

    def in_feed(self, entry: EntrySummary) -> bool:
        return entry.id in self._feed_ids

    def record(self, entry: EntrySummary, page: parts.BuiltPage) -> None:
        """Keeps what the lists and the feed take from the page of `entry`, wherever it was built."""
        if page.excerpt is not None:
            self._summaries[entry.id] = page.excerpt
        if page.feed_body is not None:
            self._feed_bodies[entry.id] = page.feed_body

    def _index_values(self) -> dict[str, object]:
        link = relative_linker("")
        return {
            **self._header_vars(link, kicker=counted(len(self.snapshot.entries), "entry", "entries")),
            "meta": listing_meta(self.site, "", self.site.title, self._byline()),
            "heading": self.site.title,
            "intro": self._byline(),
            "volumes": volume_groups(
                self.snapshot.entries, link, self.catalog.category_slugs, self._summaries, self.typography
            ),
        }

    def _now_values(self) -> dict[str, object]:
        link = relative_linker(ENTRY_DEPTH)
        return {
            **self._header_vars(link, kicker="Now"),
            "meta": listing_meta(self.site, "now/", "What I am doing now", excerpt(self._now_html)),
            "heading": "What I am doing now",
            "intro": "",
            "now_html": self._now_html,
            "author_name": self.site.author.strip(),
            "author_initials": initials(self.site.author),
            "author_line": author_line(self.site),
        }

    def _archive_values(self, kind: str, name: str) -> dict[str, object]:
        link = relative_linker(ARCHIVE_DEPTH)
        members = self._archives[kind][name]
        heading = name if kind == "category" else f"#{name}"
        intro = f"{counted(len(members), 'entry', 'entries')} filed under {name}."
        slugs = self.catalog.category_slugs if kind == "category" else self.catalog.tag_slugs
        return {
            **self._header_vars(link, kicker=kind),
            "meta": listing_meta(self.site, f"{kind}/{slugs[name]}/", heading, intro),
            "heading": heading,
            "intro": intro,
            "items": list_items(members, link, self.catalog.category_slugs, self._summaries, self.typography),
        }

    def feed(self) -> str:
        if not self.site.base_url:
            self.warnings.append(NO_BASE_URL_WARNING)
        feed = build_feed(self.site, self.snapshot.entries, self._feed_bodies, self._summaries, self._now)
        return self.theme.render("feed.xml", site=self.site, feed=feed)

    def _sitemap_values(self) -> dict[str, object]:
        archives = [f"category/{s}/" for s in self._listed_slugs("category").values()]
        archives += [f"tag/{s}/" for s in self._listed_slugs("tag").values()]
        return {"urls": sitemap_urls(self.site, self.snapshot.entries, archives)}

    # -- helpers ---------------------------------------------------------------------------

    def _listed_slugs(self, kind: str) -> dict[str, str]:
        slugs = self.catalog.category_slugs if kind == "category" else self.catalog.tag_slugs
        return {name: slugs[name] for name in sorted(self._archives[kind], key=lambda n: slugs[n])}

    def _header_vars(self, link: Linker, kicker: str) -> dict[str, object]:
        return {
            "site": self.site,
            "chrome": linked_chrome(link),
            "site_label": (self.site.title.strip() or "Field Notes").upper(),
            "kicker": kicker,
        }

    def _byline(self) -> str:
        name = self.site.author.strip()
        line = author_line(self.site)
        if name and line:
            return f"Field notes by {name}, {line}."
        return f"Field notes by {name}." if name else ""


_NO_COVER = PageExtras()


def _entry_copy_url(asset: Asset, width: int) -> str:
    return ENTRY_DEPTH + copy_path(asset, width)
