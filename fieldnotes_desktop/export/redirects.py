"""Old addresses of renamed entries, and of entries moved in from another site: which ones need a
redirect page, and the page itself."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urljoin

from fieldnotes_desktop.export.context import entry_path, relative_linker, shown_title
from fieldnotes_desktop.export.pages import linked_chrome
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.export.writer import Manifest
from fieldnotes_desktop.records import EntrySummary, SiteProfile
from fieldnotes_desktop.render.typography import site_typography

REDIRECT_TEMPLATE = "redirect.html"
_DEPTH = "../"  # a redirect sits where the entry's page used to: one folder below the root


def page_path(slug: str) -> str:
    return f"{entry_path(slug)}index.html"


class Pages(Protocol):
    """The entry pages an export writes (`site.PublishedPages`, or a dictionary's worth)."""

    def get(self, uuid: str) -> str | None:
        """The page path of the published entry `uuid`, or None."""

    def __contains__(self, path: object) -> bool:
        """Whether this export writes a file at the site path `path`."""


def plan_redirects(previous: Manifest, pages: Pages) -> dict[str, str]:
    """Redirect page path → entry uuid, for every earlier address of an entry published now.

    `pages` gives the page path of each uuid this export publishes, and holds every path this
    export writes, so a new entry that took an old address keeps it. An address whose entry
    left the site gets no redirect: its page is simply removed.
    """
    redirects: dict[str, str] = {}
    for path, uuid in itertools.chain(((p, u) for u, p in previous.entries.items()), previous.redirects.items()):
        current = pages.get(uuid)
        if current is not None and current != path and path not in pages:
            redirects[path] = uuid
    return redirects


def alias_path(address: str) -> str:
    """The file an old address is served from: `/2019/05/col/` → `2019/05/col/index.html`."""
    path = address.strip("/")
    return f"{path}/index.html" if address.endswith("/") else path


def plan_alias_redirects(addresses: Mapping[str, tuple[str, ...]], pages: Pages) -> dict[str, str]:
    """Redirect page path → entry uuid, for the old addresses (from another site) of entries published
    now; an address this export writes a page at itself keeps that page."""
    redirects: dict[str, str] = {}
    for uuid, aliases in addresses.items():
        if pages.get(uuid) is None:
            continue  # a draft, or left out of a partial export
        for address in aliases:
            path = alias_path(address)
            if path and path not in pages and path not in redirects:
                redirects[path] = uuid
    return redirects


def redirect_page(theme: Theme, site: SiteProfile, entry: EntrySummary, path: str = "") -> str:
    """A small page at `path` that sends readers (and search engines, via canonical) to the entry's
    address; `path` is the page's own (its depth decides the links), an old entry page by default."""
    depth = "../" * path.count("/") if path else _DEPTH
    href = relative_linker(depth)(entry_path(entry.slug)) or ""
    canonical = urljoin(site.base_url, page_path(entry.slug)) if site.base_url else href
    title = shown_title(entry, site_typography(site))
    return theme.render(
        REDIRECT_TEMPLATE,
        site=site,
        chrome=linked_chrome(relative_linker(depth)),
        site_label=(site.title.strip() or "Field Notes").upper(),
        kicker="Moved",
        heading=title,
        intro="",
        title=title,
        href=href,
        canonical=canonical,
    )
