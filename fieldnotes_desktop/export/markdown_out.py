"""An entry as a Markdown file with YAML front matter in a Hugo or Jekyll layout, and the images it uses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

import yaml

from fieldnotes_desktop.export.images import FindAsset, asset_path, is_external
from fieldnotes_desktop.records import DRAFT, Asset, Entry

HUGO, JEKYLL = "hugo", "jekyll"
LAYOUTS = (HUGO, JEKYLL)
LAYOUT_NAMES = {HUGO: "Hugo", JEKYLL: "Jekyll"}
JEKYLL_ASSETS = "assets"

# A destination as Markdown writes it: between `<` and `>`, or up to the first space or paren.
_DESTINATION = r"(?P<dest><[^<>\n]*>|[^\s()<>]+)"
_REFERENCE = re.compile(
    # `![alt](dest`, alt text holding one level of brackets
    r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*" + _DESTINATION
    # `[label]: dest` at the start of a line
    + r"|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*" + _DESTINATION.replace("dest", "ref")
    # `<img … src="dest"`
    + r"""|<img\b[^>]*?\bsrc\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>"']+))""",
    re.MULTILINE | re.IGNORECASE,
)
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_PLAIN_NAME = re.compile(r"[\w.\-/]+")
_SAFE_FILE = re.compile(r"^[^/\\\x00-\x1f]{1,120}$")
_LIQUID = ("{{", "{%")


@dataclass(frozen=True, slots=True)
class MarkdownFile:
    """One entry's file, and the images to copy with it (site path → stored asset)."""

    path: str
    text: str
    images: dict[str, Asset]


def entry_folder(entry: Entry, layout: str) -> str:
    """Where the entry's file goes: a Hugo page bundle, or Jekyll's posts (drafts apart)."""
    if layout == HUGO:
        return f"content/posts/{entry.slug}"
    return "_drafts" if entry.status == DRAFT else "_posts"


def entry_path(entry: Entry, layout: str) -> str:
    """`content/posts/<slug>/index.md`, `_posts/YYYY-MM-DD-<slug>.md` or `_drafts/<slug>.md`."""
    folder = entry_folder(entry, layout)
    if layout == HUGO:
        return f"{folder}/index.md"
    if entry.status == DRAFT:
        return f"{folder}/{entry.slug}.md"
    return f"{folder}/{entry.date.isoformat()}-{entry.slug}.md"


class MarkdownLayout:
    """Makes the entries' files for one export in `layout`; Jekyll's images share one folder."""

    def __init__(self, layout: str, find: FindAsset) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}")
        self.layout = layout
        self._find = find
        self._shared = _ImagePlacer(layout, JEKYLL_ASSETS, find) if layout == JEKYLL else None

    def file_for(self, entry: Entry) -> MarkdownFile:
        """The entry's file: front matter, then the body as stored with its images re-pointed."""
        layout = self.layout
        images = self._shared or _ImagePlacer(layout, entry_folder(entry, layout), self._find)
        images.used = {}
        body = relink_images(entry.body, images)
        cover = images(entry.cover) if entry.cover else None
        liquid = layout == JEKYLL and any(mark in body for mark in _LIQUID)
        head = front_matter(entry, layout, cover=cover, liquid=liquid)
        return MarkdownFile(entry_path(entry, layout), f"---\n{head}---\n\n{body}", images.used)


def front_matter(entry: Entry, layout: str, *, cover: str | None = None, liquid: bool = False) -> str:
    """The YAML between the `---` lines: every field the desk holds, empty ones left out.

    `date` is the day, or the day and `published_time` as one ISO 8601 value. Hugo drafts also
    say `draft: true`; Jekyll keeps drafts in `_drafts/` instead and old addresses under
    `redirect_from` (the jekyll-redirect-from plugin's key). A scheduled entry is no draft to either
    (both hold back a post dated in the future by themselves); `status` brings it back scheduled.
    `liquid`: the body holds `{{` or `{%`, which Jekyll would otherwise run as Liquid.
    """
    fields: list[tuple[str, Any]] = [("title", entry.title), ("slug", entry.slug), ("date", None),
                                     ("status", entry.status)]
    if layout == HUGO and entry.status == DRAFT:
        fields.append(("draft", True))
    optional: list[tuple[str, Any]] = [
        ("category", entry.category), ("tags", list(entry.tags)), ("summary", entry.summary),
        ("volume", entry.volume), ("elevation", entry.elevation_m), ("reading_minutes", entry.reading_minutes),
        ("language", entry.language), ("word_goal", entry.word_goal), ("cover", cover or entry.cover),
        ("author", entry.author), ("aliases" if layout == HUGO else "redirect_from", list(entry.aliases)),
    ]
    fields += [(key, value) for key, value in optional if value not in (None, "", [])]
    if liquid:
        fields.append(("render_with_liquid", False))
    return "".join(_date_line(entry) if key == "date" else _yaml_line(key, value) for key, value in fields)


def _date_line(entry: Entry) -> str:
    """`date: 2025-01-19`, or `date: 2025-01-19T07:30:00+01:00` with a time of day.

    Unquoted when YAML reads it back as a timestamp that prints as the same text; quoted
    otherwise (`07:30`, `Z`), so that a reader gets the time exactly as it was written.
    """
    if not entry.published_time:
        return f"date: {entry.date.isoformat()}\n"
    text = f"{entry.date.isoformat()}T{entry.published_time}"
    try:
        canonical = dt.datetime.fromisoformat(text).isoformat() == text
    except ValueError:
        canonical = False
    return f"date: {text}\n" if canonical else f"date: '{text}'\n"


def _yaml_line(key: str, value: object) -> str:
    # One key at a time, so the date line can sit among them written by hand.
    return yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=1 << 20)


ImageName = Callable[[str], str | None]


def relink_images(body: str, new_reference: ImageName) -> str:
    """`body` with each image reference that `new_reference` answers for replaced by its answer.

    Inline images, reference definitions and `<img src>` are looked at; fenced code is left
    as written. The form of each destination is kept: `<…>` stays bracketed, `%20` encoded.
    """
    out: list[str] = []
    fence: str | None = None
    for line in body.splitlines(keepends=True):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            continue
        out.append(_REFERENCE.sub(lambda m: _relinked(m, new_reference), line))
    return "".join(out)


def _relinked(match: re.Match[str], new_reference: ImageName) -> str:
    group = next(name for name in ("dest", "ref", "dq", "sq", "bare") if match.group(name) is not None)
    written = match.group(group)
    bracketed = written.startswith("<") and written.endswith(">")
    inner = written[1:-1] if bracketed else written
    cut = min((i for i in (inner.find("?"), inner.find("#")) if i >= 0), default=len(inner))
    path, rest = inner[:cut], inner[cut:]
    target = None if is_external(path) else new_reference(unquote(path))
    if target is None:
        return match.group(0)
    if group in ("dq", "sq", "bare"):
        shown = quote(target, safe="/")
    elif bracketed and not any(c in target for c in "<>\n"):
        shown = f"<{target}{rest}>"
        rest = ""
    else:
        shown = target if _PLAIN_NAME.fullmatch(target) else quote(target, safe="/")
    start, end = match.span(group)
    whole_start = match.start()
    text = match.group(0)
    return text[: start - whole_start] + shown + rest + text[end - whole_start :]


class _ImagePlacer:
    """Answers each reference to a stored image with its address in the export, and keeps the
    image to copy: beside a Hugo bundle's `index.md`, or under a Jekyll site's `assets/`."""

    def __init__(self, layout: str, folder: str, find: FindAsset) -> None:
        self._layout = layout
        self._folder = folder if layout == HUGO else JEKYLL_ASSETS
        self._find = find
        self.used: dict[str, Asset] = {}  # by the entry being made: site path → asset
        self._names: dict[str, str] = {}  # sha256 → the file name given to it
        self._taken = {"index.md"}  # lower-cased names in the folder, so no two differ only in case

    def __call__(self, reference: str) -> str | None:
        if is_external(reference):
            return None
        asset = self._find(reference)
        if asset is None:
            return None
        name = self.file_name(asset)
        self.used[f"{self._folder}/{name}"] = asset
        return name if self._layout == HUGO else f"/{JEKYLL_ASSETS}/{name}"

    def file_name(self, asset: Asset) -> str:
        """The image's stored name, unless that cannot be a file here; then its content-hashed one."""
        known = self._names.get(asset.sha256)
        if known is not None:
            return known
        name = asset.filename
        if not _SAFE_FILE.match(name) or name.startswith(".") or name.lower() in self._taken:
            name = PurePosixPath(asset_path(asset)).name
        self._taken.add(name.lower())
        self._names[asset.sha256] = name
        return name
