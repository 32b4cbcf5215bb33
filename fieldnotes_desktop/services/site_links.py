"""Where the links of imported posts lead: to each other by slug, or to the old site's address.

Built before any post is read, from the file names and the slugs their front matter asks for,
so that a post may link to one imported after it. An entry's page is `slug/index.html` beside
the others', so a link from one entry to another is `../slug/` (the preview follows it too:
export/preview.py `slug_from_href`).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.render.entry_slugs import slugify
from fieldnotes_desktop.services.front_matter import MAX_FRONT_MATTER_CHARS, split_front_matter
from fieldnotes_desktop.services.markdown_files import special_kind, title_and_slug
from fieldnotes_desktop.services.sites import Site, link_keys

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")
# Enough of a file's start to hold any front matter import accepts.
_HEAD_BYTES = 4 * MAX_FRONT_MATTER_CHARS + 16


class SiteLinks:
    """The imported posts by the names their sites link them by, and the slugs they will have."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], str] = {}  # (site root or "", key) → slug
        self._slugs: set[str] = set()
        self.wanted: dict[str, str] = {}  # file name → the slug it asks for

    def add(self, site: Site, name: str) -> None:
        slug = wanted_slug(name)
        self.wanted[name] = slug
        self._slugs.add(slug)
        for key in link_keys(site, name):
            self._by_key.setdefault((str(site.root), key), slug)
            self._by_key.setdefault(("", key), slug)  # for posts named by themselves, found by name alone

    def targets(self, site: Site | None) -> LinkTargets:
        return LinkTargets(self, site)

    def slug(self, root: str, key: str) -> str | None:
        return self._by_key.get((root, key)) or self._by_key.get(("", key))

    def has_slug(self, slug: str) -> bool:
        return slug in self._slugs


class LinkTargets:
    """`site_syntax.Targets` for the posts of one site (or of none, for a plain file)."""

    def __init__(self, links: SiteLinks, site: Site | None) -> None:
        self._links = links
        self._site = site

    def entry(self, key: str) -> str | None:
        slug = self._links.slug(str(self._site.root) if self._site else "", key.rstrip("/"))
        return None if slug is None else f"../{slug}/"

    def address(self) -> str:
        return self._site.address if self._site else ""

    def site_path(self, path: str) -> tuple[str, str]:
        cut = min((i for i in (path.find("#"), path.find("?")) if i >= 0), default=len(path))
        where, rest = path[:cut], path[cut:]
        if where.lower().endswith(_IMAGE_SUFFIXES):
            return path, ""  # a local image: stored with the entry, as the body's other images
        last = PurePosixPath(where.rstrip("/") or "/").name
        slug = slugify(last.removesuffix(".html").removesuffix(".md")) if last else ""
        if slug and self._links.has_slug(slug):
            return f"../{slug}/{rest}", ""
        if self.address():
            return self.address() + path, ""
        return path, (
            f"links to {path[:80]} on the old site, whose address its settings do not give; "
            "kept as a path from the site's root"
        )


def wanted_slug(name: str) -> str:
    """The slug the file at `name` will ask for, as `parse_file` will read it (from the file's start)."""
    path = Path(name)
    try:
        text = _head(path)
        meta, body = split_front_matter(path, text)
    except (ImportFailed, OSError):
        meta, body = {}, ""  # reading the file itself will say what is wrong with it
    return slugify(title_and_slug(path, meta, body)[1])


def _head(path: Path) -> str:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as file:
        if special_kind(os.fstat(file.fileno())) is not None:
            return ""
        raw = file.read(_HEAD_BYTES)
    return raw.decode("utf-8-sig", "replace")
