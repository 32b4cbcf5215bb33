"""Small rewrites of sanitized HTML: heading levels, links for the feed and for single files, excerpts."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable

# Sanitized HTML escapes `<` in text, so these patterns only ever meet real tags.
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])", re.IGNORECASE)
_LEVEL_ONE = re.compile(r"<h1(?=[\s>])", re.IGNORECASE)
_URL_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)"')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_UP_ANCHOR = re.compile(r'<a\s[^>]*?href="\.\./([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_FIRST_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SOURCE_LINE_ATTR = re.compile(r'\sdata-line="\d+"')
_IMG_TAG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>', re.IGNORECASE)
_COPIES_ATTR = re.compile(r'\s(?:srcset|sizes)="[^"]*"')


def has_level_one(fragment: str) -> bool:
    """Whether sanitized `fragment` holds an `<h1>` (escaped text in code is `&lt;h1`, not a tag)."""
    return _LEVEL_ONE.search(fragment) is not None


def fit_headings(fragment: str) -> str:
    """A body's headings as written (`##` is an `<h2>`, as Jekyll and Hugo publish it); only a body
    that uses level-1 headings has all of them shifted one level down, so that the title stays
    the page's only `<h1>` and the body's levels keep their order."""
    return demote_headings(fragment) if has_level_one(fragment) else fragment


def demote_headings(fragment: str) -> str:
    """Shifts every heading one level down (h1→h2 … h5→h6, h6 stays): the title owns the page's h1."""

    def shift(match: re.Match[str]) -> str:
        level = min(int(match.group(2)) + 1, 6)
        return f"<{match.group(1)}h{level}"

    return _HEADING_TAG.sub(shift, fragment)


def rebase_urls(fragment: str, folder: str, base: str = "") -> str:
    """Re-points relative links and sources written for a page in `folder` (`slug/`) at the site root.

    The feed carries entry bodies away from their pages: `../assets/x.svg` from `slug/` means
    `assets/x.svg`, and `base` (the site's address, if any) goes in front. In-page anchors
    (`#fn1`) and other sites are left alone.
    """

    def replace(match: re.Match[str]) -> str:
        url = match.group(2)
        if not url or url.startswith(("#", "/")) or _SCHEME.match(url):
            return match.group(0)
        cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
        path, rest = url[:cut], url[cut:]
        joined = posixpath.normpath(folder + path) if path else folder.rstrip("/") + "/index.html"
        if joined == ".":
            joined = "" if base else "index.html"  # the site's home; "" would mean the feed itself
        elif path.endswith("/") or path in (".", ".."):
            joined += "/"
        return f'{match.group(1)}{base}{joined}{rest}"'

    return _URL_ATTR.sub(replace, fragment)


def relink_up_anchors(fragment: str, link: Callable[[str], str | None]) -> str:
    """Re-points `../x` anchors with `link(x)`; where it answers None the link text stays, plain."""

    def replace(match: re.Match[str]) -> str:
        target = link(html.unescape(match.group(1)))
        if target is None:
            return match.group(2)
        return match.group(0).replace(f'href="../{match.group(1)}"', f'href="{html.escape(target)}"', 1)

    return _UP_ANCHOR.sub(replace, fragment)


def strip_source_lines(fragment: str) -> str:
    """Drops the editor's `data-line` markers, which mean nothing to a feed reader."""
    return _SOURCE_LINE_ATTR.sub("", fragment)


def drop_image_copies(fragment: str) -> str:
    """Images without their `srcset` and `sizes`: the feed carries a body away from the page its
    copies' relative addresses were written for, and a feed reader shows one size anyway."""
    return _IMG_TAG.sub(lambda m: _COPIES_ATTR.sub("", m.group(0)), fragment)


def plain_text(fragment: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", fragment))).strip()


def excerpt(fragment: str, limit: int = 220) -> str:
    """The first paragraph with words in it, as plain text cut at a word near `limit`."""
    for match in _FIRST_PARAGRAPH.finditer(fragment):
        text = plain_text(match.group(1))
        if len(text.split()) < 4:
            continue  # an image alone, or a one-word line, says nothing about the entry
        if len(text) <= limit:
            return text
        cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–-")
        return cut + "…"
    return ""
