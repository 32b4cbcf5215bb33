"""Finds links of freshly built pages whose targets the output folder will not hold."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fieldnotes_desktop.export.context import counted

# Pages come from our templates and the sanitizer: attributes are always double-quoted.
_LINK_ATTR = re.compile(r'\s(?:href|src)="([^"]*)"')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def dangling_links(root: Path, pages: Mapping[str, str], written: Collection[str]) -> list[tuple[str, str]]:
    """(page, target) for each relative link in `pages` (site path → HTML) to a file that is
    neither among `written` (site paths) nor already in `root`; links leaving the site are not ours to judge.
    """
    found: list[tuple[str, str]] = []
    for page, text in pages.items():
        folder = posixpath.dirname(page)
        for url in dict.fromkeys(_LINK_ATTR.findall(text)):
            url = html.unescape(url)
            if not url or url.startswith(("#", "/")) or _SCHEME.match(url):
                continue
            path = unquote(urlsplit(url).path)
            target = posixpath.normpath(posixpath.join(folder, path)) if path else page
            if target == ".." or target.startswith("../"):
                continue
            target = "" if target == "." else target
            if path.endswith("/") or (root / target).is_dir():
                target = posixpath.join(target, "index.html")
            if target not in written and not (root / target).is_file():
                found.append((page, target))
    return found


def partial_site_warning(links: int, out: Path) -> str:
    """What `--entry` into a folder without the rest of the site tells the writer."""
    verb = "points" if links == 1 else "point"
    return (
        f"--entry updates pages of an existing site: {counted(links, 'link')} {verb} at pages not in {out}; "
        "export the whole site there once, without --entry."
    )
