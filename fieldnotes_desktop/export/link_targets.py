"""Where a link written in an entry's body leads on the exported site: an entry's page, an anchor, or elsewhere."""

# An entry's page is `slug/index.html`, so from one entry another is `../slug/` (or
# `../slug/index.html`, `../slug/#anchor`), and its own anchors are `#anchor`. Links to other sites,
# to the site's root (`/…`: it depends on where the site is served), to archives, assets and
# other files are not an entry's to judge.

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from fieldnotes_desktop.render.entry_slugs import RESERVED_SLUGS

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# The way links between entries are written nearly always: `../slug/`, `../slug/index.html`, `../slug/#anchor`.
_PLAIN_ENTRY = re.compile(r"\.\./([\w-]+)/(?:index\.html)?(?:#([^%]*))?")
_PAGE = ("", "index.html")


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """The entry page a link leads to, and the anchor on it ("" for the top of the page)."""

    slug: str
    anchor: str
    # Written as `slug/` from an entry's page, which leads inside that page's own folder: the
    # writer meant the entry `slug`, whose page is `../slug/`.
    inside_own_folder: bool = False


def entry_link_target(href: str, own_slug: str) -> LinkTarget | None:
    """Where `href`, written in the body of the entry `own_slug`, leads; None when not to an entry page."""
    plain = _PLAIN_ENTRY.fullmatch(href)
    if plain is not None and plain.group(1) not in RESERVED_SLUGS:
        return LinkTarget(plain.group(1), plain.group(2) or "")
    if href.startswith("#") and "%" not in href and "&" not in href:
        return LinkTarget(own_slug, href[1:]) if len(href) > 1 else None
    href = html.unescape(href).strip() if "&" in href else href.strip()
    if not href or href.startswith("//") or _SCHEME.match(href):
        return None
    where, _hash, fragment = href.partition("#")
    path = unquote(where.partition("?")[0])
    anchor = unquote(fragment)
    if not path:
        return LinkTarget(own_slug, anchor) if anchor else None
    if path.startswith("/"):
        return None
    resolved = posixpath.normpath(posixpath.join(own_slug, path))
    if resolved in (".", "..", "index.html") or resolved.startswith("../"):
        return None  # the home page, or above the site
    first, _slash, rest = resolved.partition("/")
    if first == own_slug and rest not in _PAGE:
        inner, _slash, tail = rest.partition("/")
        return LinkTarget(inner, anchor, inside_own_folder=True) if tail in _PAGE else None
    if first in RESERVED_SLUGS or rest not in _PAGE:
        return None
    if not rest and "." in first and not path.endswith("/"):
        return None  # a file at the site's root: feed.xml, sitemap.xml
    return LinkTarget(first, anchor)
