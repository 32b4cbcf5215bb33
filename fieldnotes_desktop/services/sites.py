"""Recognises a Jekyll or Hugo site folder, reads its address, and lists the posts it holds.

Jekyll keeps posts in `_posts/` (and unfinished ones in `_drafts/`) beside `_config.yml`;
Hugo keeps pages under `content/` beside `hugo.*` or `config.*`, a page bundle being a folder
with an `index.md` and its images. Anything else is a plain folder of Markdown.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.records import DRAFT, FINISHED
from fieldnotes_desktop.services.front_matter import load_config
from fieldnotes_desktop.services.markdown_files import MARKDOWN_SUFFIXES, decode, read_limited
from fieldnotes_desktop.services.printable import printable

JEKYLL = "jekyll"
HUGO = "hugo"
MAX_CONFIG_BYTES = 1024 * 1024
_JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
_HUGO_CONFIGS = tuple(
    f"{folder}{stem}.{ext}"
    for folder in ("", "config/_default/")
    for stem in ("hugo", "config")
    for ext in ("toml", "yaml", "yml", "json")
)
# Files at a Jekyll site's root that are about the project, not pages of the site.
_NOT_PAGES = frozenset({"readme", "license", "licence", "changelog", "contributing", "code_of_conduct"})
# How far up from a file named by itself to look for the `content/` folder of a Hugo site.
_HUGO_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Site:
    kind: str  # JEKYLL or HUGO
    root: Path  # resolved
    address: str  # "https://example.com/blog", without the last slash; "" when the settings give none
    image_bases: tuple[Path, ...]  # where `/images/x.png` may lie, in the order the generator looks

    @property
    def content(self) -> Path:
        return self.root / "content" if self.kind == HUGO else self.root


def detect_site(folder: Path, warnings: list[str]) -> Site | None:
    """The site `folder` is the root of, or None for a plain folder; unreadable settings go to `warnings`."""
    if _is_dir(folder / "_posts") or _is_dir(folder / "_drafts") or _first_file(folder, _JEKYLL_CONFIGS):
        config = _config(folder, _first_file(folder, _JEKYLL_CONFIGS), warnings)
        url, base = str(config.get("url") or "").strip(), str(config.get("baseurl") or "").strip()
        address = (url.rstrip("/") + "/" + base.strip("/")).rstrip("/") if url else ""
        root = folder.resolve()
        return Site(JEKYLL, root, address, (root,))
    config_file = _first_file(folder, _HUGO_CONFIGS)
    if _is_dir(folder / "content") and (config_file or _is_dir(folder / "config")):
        config = _config(folder, config_file, warnings)
        address = str(config.get("baseurl") or "").strip().rstrip("/")
        root = folder.resolve()
        static = str(config.get("staticdir") or "static")
        return Site(HUGO, root, address, (root / static, root))
    return None


def site_of_file(path: Path, warnings: list[str]) -> tuple[Site | None, str | None]:
    """For a file named by itself: the site it is a post of, and the status its place implies."""
    folder = path.absolute().parent
    if folder.name in ("_posts", "_drafts"):
        site = detect_site(folder.parent, warnings)
        if site is not None:
            return site, DRAFT if folder.name == "_drafts" else FINISHED
    for above in [folder, *folder.parents][:_HUGO_DEPTH]:
        if above.name == "content":
            site = detect_site(above.parent, warnings)
            return (site, FINISHED) if site is not None and site.kind == HUGO else (None, None)
    return None, None


def site_posts(site: Site, walk: Walk, skipped: list[str]) -> list[tuple[str, str]]:
    """The posts of `site` as (file name, the status the site gives it), in a stable order."""
    if site.kind == JEKYLL:
        posts = [(name, FINISHED) for name in walk(site.root / "_posts", False)]
        posts += [(name, DRAFT) for name in walk(site.root / "_drafts", False)]
        pages = sorted(
            n for n in os.listdir(site.root)
            if n.lower().endswith(MARKDOWN_SUFFIXES) and Path(n).stem.lower() not in _NOT_PAGES
        )
        if pages:
            shown = ", ".join(printable(n) for n in pages[:5]) + (", …" if len(pages) > 5 else "")
            skipped.append(
                f"The site's page {shown} is not a post, so it was not imported; import it by name to bring it in"
                if len(pages) == 1 else
                f"{len(pages)} pages of the site ({shown}) are not posts, so they were not imported; "
                "import them by name to bring them in"
            )
        return posts
    posts = []
    for name in walk(site.content, True):
        if os.path.basename(name) == "_index.md":
            shown = printable(os.path.relpath(name, site.root))
            skipped.append(f"{shown}: a section's list page, not a post, so it was not imported")
        else:
            posts.append((name, FINISHED))
    return posts


# walk(folder, leaf_bundles) → the Markdown files under `folder`; with leaf_bundles, a folder
# holding an `index.md` gives that file alone (the rest is the page's own images and files).
Walk = Callable[[Path, bool], list[str]]


def link_keys(site: Site, name: str) -> list[str]:
    """The names a post may be linked by: `{% post_url %}`, `{% link %}`, `{{< ref >}}` (normalised)."""
    relative = Path(os.path.relpath(name, site.content)).as_posix()
    stem = relative.rsplit(".", 1)[0]
    if site.kind == JEKYLL:
        post = stem.split("/", 1)[1] if stem.startswith(("_posts/", "_drafts/")) else stem
        return [f"post:{post}", f"post:{post.rsplit('/', 1)[-1]}", f"path:{relative}"]
    keys = [f"ref:{relative}", f"ref:{stem}", f"ref:{relative.rsplit('/', 1)[-1]}", f"ref:{stem.rsplit('/', 1)[-1]}"]
    if stem.endswith("/index"):
        bundle = stem.removesuffix("/index")
        keys += [f"ref:{bundle}", f"ref:{bundle.rsplit('/', 1)[-1]}"]
    return keys


def _config(folder: Path, name: str | None, warnings: list[str]) -> dict[str, Any]:
    if name is None:
        return {}
    path = folder / name
    outcome = "links to the site's address were left as written"
    try:
        raw, _ = read_limited(path, MAX_CONFIG_BYTES, "site settings", outcome=outcome)
        return load_config(printable(name), decode(path, raw, outcome), path.suffix.lower())
    except ImportFailed as exc:
        warnings.append(f"{printable(name)}: {exc.message}")
        return {}


def _first_file(folder: Path, names: tuple[str, ...]) -> str | None:
    return next((name for name in names if (folder / name).is_file()), None)


def _is_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()
