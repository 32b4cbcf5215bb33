"""Reads a WordPress export (WXR) as the entries it holds, ready for the importer to store.

Each post becomes a `ParsedFile`, as a Markdown file does, so the importer stores it the same
way: `path` lies in the media folder (when one is given) and `image_refs` are paths relative
to it, so the importer's `_attach_images`, with `read.media` as the import's root, stores the
images and leaves the body pointing at them. Only posts are read: pages, attachments, menu items
and the rest are counted in a note. What a post held that Markdown cannot (frames, scripts,
plugins' shortcodes, passwords) is said in notes, each with its line in the export file.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.records import DRAFT, FINISHED, UNSET, EntryFields, ImportNote
from fieldnotes_desktop.render.entry_slugs import slugify
from fieldnotes_desktop.services.front_fields import shown
from fieldnotes_desktop.services.markdown_files import ParsedFile, printable
from fieldnotes_desktop.services.wxr_html import convert_body
from fieldnotes_desktop.services.wxr_media import MediaFolder
from fieldnotes_desktop.services.wxr_shortcodes import Attachments
from fieldnotes_desktop.services.wxr_xml import OUTCOME, WxrChannel, WxrItem, read_channel

_STATUS = {"publish": FINISHED, "draft": DRAFT, "pending": DRAFT, "private": DRAFT, "future": DRAFT}
# Not the writer's posts: what WordPress keeps in the bin, saves by itself, or attaches to posts.
_SKIPPED_STATUSES = {"trash": "in the trash", "auto-draft": "WordPress saved by itself", "inherit": "kept as revisions"}
_WP_DATE = "%Y-%m-%d %H:%M:%S"
_MAX_OFFSET = dt.timedelta(hours=14)  # the widest time zones; a larger gap is a wrong GMT date
# WordPress files every post without a category under this one: it says nothing about the post.
_DEFAULT_CATEGORY = "uncategorized"
_TAGS = re.compile(r"<[^<>]*+>")
_BREAKING_TAGS = re.compile(r"<(?:br|/?p|/?div|/?li)\b[^<>]*+>", re.I)
_KINDS = {"attachment": "attachments (the media library)", "nav_menu_item": "menu items", "page": "pages"}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class WxrRead:
    files: tuple[ParsedFile, ...]  # one for each post, in the export's order
    notes: tuple[ImportNote, ...]
    media: Path | None  # the media folder, resolved: the folder the importer attaches images from


def read_wxr(path: Path, media: Path | None = None) -> WxrRead:
    """The posts of the WordPress export at `path`, their images found in `media` when given, or
    in an `uploads/` (or `wp-content/uploads/`) beside the export, as WordPress lays a site out.

    Raises ImportFailed, with one sentence to act on, for a file that is not a readable export.
    """
    channel = read_channel(path)
    if media is None and any((path.parent / inner).is_dir() for inner in _INNER):
        media = path.parent  # laid out as WordPress lays a site: uploads beside the export
    folder = MediaFolder(_uploads(media)) if media is not None else None
    base = folder.root if folder is not None else path.absolute().parent
    reader = _PostReader(printable(path.name), base, channel, folder)
    files = [parsed for item in channel.items if (parsed := reader.read(item)) is not None]
    return WxrRead(tuple(files), tuple(reader.notes + reader.summary()), folder.root if folder else None)


_INNER = ("wp-content/uploads", "uploads")


def _uploads(media: Path) -> Path:
    """The uploads folder itself, also when the writer gave the site's folder or `wp-content`."""
    if not media.is_dir():
        raise ImportFailed(
            f"{printable(str(media))} is not a folder; give the folder that holds the export's images, "
            f"a copy of wp-content/uploads ({OUTCOME})."
        )
    for inner in _INNER:
        if (media / inner).is_dir():
            return media / inner
    return media


class _PostReader:
    def __init__(self, name: str, base: Path, channel: WxrChannel, media: MediaFolder | None) -> None:
        self._name = name
        self._base = base
        self._authors = channel.authors
        self._media = media
        self._attachments = _attachments(channel.items)
        self._passed_over: Counter[str] = Counter()
        self.notes: list[ImportNote] = []

    def _note(self, what: str, line: int | None, text: str) -> None:
        self.notes.append(ImportNote(self._name, what, line, text))

    def read(self, item: WxrItem) -> ParsedFile | None:
        kind, status = item.get("wp:post_type") or "post", item.get("wp:status")
        if kind != "post":
            self._passed_over[_KINDS.get(kind, f"“{printable(kind)[:30]}” items")] += 1
            return None
        if status in _SKIPPED_STATUSES or status not in _STATUS:
            unknown = f"with the status “{printable(status)[:20]}”"
            self._passed_over[f"posts {_SKIPPED_STATUSES.get(status, unknown)}"] += 1
            return None
        title = html.unescape(item.get("title"))
        content = item.values.get("content:encoded", "")
        body = convert_body(content, item.get("wp:post_id"), self._attachments, self._media)
        first = item.lines.get("content:encoded", item.line)
        for what, offset, text in body.notes:
            self._note(what, first + offset, f"{_shown(title)}: {text}.")
        if not title:
            title = _first_words(body.markdown)
            self._note("title", item.line, f"a post had no title; it is called “{title}” now.")
        slug = slugify(unquote(item.get("wp:post_name")) or title)
        category, tags = _categories(item)
        date, time = _dates(item)
        fields = EntryFields(
            title=title,
            slug=slug,
            body=body.markdown,
            summary=_plain(item.values.get("excerpt:encoded", "")),
            status=self._status(item, title, status),
            category=category,
            tags=tags,
            date=UNSET if date is None else date,  # undated: the importer dates it today
            published_time=time,
            author=self._authors.get(item.get("dc:creator"), item.get("dc:creator")),
            aliases=_old_address(item.get("link")),
        )
        return ParsedFile(path=self._base / f"{self._name}: {slug}", fields=fields, image_refs=body.image_refs)

    def _status(self, item: WxrItem, title: str, status: str) -> str:
        if item.get("wp:post_password"):
            self._note("password", item.line, f"{_shown(title)} was protected by a password; Field Notes publishes "
                       "no passwords, so it is a draft here: read it before you mark it finished.")
            return DRAFT
        if status == "future":
            when = item.get("wp:post_date")
            self._note("status", item.line, f"{_shown(title)} was scheduled for {when}; it is a draft here.")
        return _STATUS[status]

    def summary(self) -> list[ImportNote]:
        """One note for everything passed over: pages, attachments, menu items, the bin."""
        if not self._passed_over:
            return []
        counted = ", ".join(f"{what}: {n}" for what, n in sorted(self._passed_over.items()))
        return [ImportNote(self._name, "not a post", None, f"Only posts are imported; passed over: {counted}.")]


def _attachments(items: tuple[WxrItem, ...]) -> Attachments:
    by_id: dict[str, str] = {}
    by_parent: dict[str, list[str]] = {}
    for item in items:
        address = item.get("wp:attachment_url")
        if item.get("wp:post_type") == "attachment" and address:
            by_id[item.get("wp:post_id")] = address
            by_parent.setdefault(item.get("wp:post_parent"), []).append(address)
    return Attachments(by_id, by_parent)


def _categories(item: WxrItem) -> tuple[str, tuple[str, ...]]:
    """The first category is the entry's; the others become tags, as for a Jekyll post's categories."""
    categories = [
        html.unescape(c.name) for c in item.categories if c.domain == "category" and c.nicename != _DEFAULT_CATEGORY
    ]
    tags = [html.unescape(c.name) for c in item.categories if c.domain == "post_tag"] + categories[1:]
    return (categories[0] if categories else ""), tuple(dict.fromkeys(t for t in tags if t))


def _dates(item: WxrItem) -> tuple[dt.date | None, str]:
    """The day, and the time of day with its zone when the GMT date gives it (drafts have none)."""
    local = _wp_date(item.get("wp:post_date"))
    if local is None:
        try:
            return parsedate_to_datetime(item.get("pubDate")).date(), ""
        except (TypeError, ValueError):
            return None, ""
    time = local.strftime("%H:%M:%S")
    gmt = _wp_date(item.get("wp:post_date_gmt"))
    if gmt is not None and abs(local - gmt) <= _MAX_OFFSET:
        minutes = round((local - gmt).total_seconds() / 60)
        sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
        time += f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return local.date(), time


def _wp_date(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, _WP_DATE)
    except ValueError:  # empty, or WordPress's "0000-00-00 00:00:00" for a draft's GMT date
        return None


def _old_address(link: str) -> tuple[str, ...]:
    """The post's path on the old site (`/2024/05/12/ridge-walk/`), for the export to redirect from.

    A draft's link is `/?p=12`, no address of its own; a path the export could not write is left out.
    """
    parts = urlsplit(link)
    path = unquote(parts.path)
    if parts.query or path.strip("/") == "" or any(c.isspace() for c in path) or ".." in path.split("/"):
        return ()
    return (path,)


def _plain(excerpt: str) -> str:
    return _SPACES.sub(" ", html.unescape(_TAGS.sub("", _BREAKING_TAGS.sub(" ", excerpt)))).strip()


def _first_words(markdown: str, count: int = 8) -> str:
    words = re.sub(r"[#*_>`\[\]()!\\-]+", " ", markdown).split()
    return " ".join(words[:count]) or "Untitled"


def _shown(title: str) -> str:
    return f"“{shown(title)}”" if title else "A post without a title"
