"""Reads a WordPress export (WXR) file safely into plain records: its authors and its items' fields.

A WXR file is user input and may be anything: it is read within a size limit, parsed by
defusedxml with DTDs refused (a WordPress export never has one, and a DTD is where entity
bombs live), and streamed through a small collector instead of an element tree, so memory
is the file plus the text of the fields kept. Everything else in the file (comments,
post meta, terms) is passed over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.services.markdown_files import MEGABYTE, printable, read_limited

# The largest WordPress exports seen (ten years of daily posts with their comments) are tens of
# megabytes; this bounds what one import holds in memory while leaving room for any real blog.
MAX_WXR_BYTES = 256 * MEGABYTE
_FEED_BYTES = MEGABYTE
OUTCOME = "nothing was imported"
EXPORT_AGAIN = "export the site again in WordPress with Tools → Export and import the file it downloads"

_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_WP = "http://wordpress.org/export/"  # followed by 1.0/, 1.1/, 1.2/ and, for excerpts, excerpt/
# The children of <item> that are read; the rest (wp:postmeta, wp:comment…) are passed over.
ITEM_FIELDS = frozenset({
    "title", "link", "pubDate", "dc:creator", "content:encoded", "excerpt:encoded", "wp:post_id",
    "wp:post_date", "wp:post_date_gmt", "wp:post_name", "wp:status", "wp:post_type",
    "wp:post_password", "wp:post_parent", "wp:attachment_url",
})
_CHANNEL_FIELDS = frozenset({"title", "link", "wp:wxr_version", "wp:base_site_url", "wp:base_blog_url"})
_AUTHOR_FIELDS = frozenset({"wp:author_login", "wp:author_display_name"})
# expat's codes for a document that stops before its end: the file was cut short.
_TRUNCATED = frozenset({3, 5, 6, 20})  # no element found, unclosed token, partial character, unclosed CDATA


@dataclass(frozen=True, slots=True)
class Category:
    domain: str  # "category", "post_tag", or a plugin's taxonomy
    nicename: str
    name: str


@dataclass(frozen=True, slots=True)
class WxrItem:
    """One <item> of the export: a post, page, attachment, menu item… (`wp:post_type` says which)."""

    line: int  # where <item> opens in the file
    values: Mapping[str, str]  # the text of each field read, by its prefixed name ("wp:post_name")
    lines: Mapping[str, int]  # where each field opens, for notes about what is inside it
    categories: tuple[Category, ...]

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()


@dataclass(frozen=True, slots=True)
class WxrChannel:
    site: str  # the blog's address, as WordPress gave it ("https://blog.example")
    authors: Mapping[str, str]  # login → display name
    items: tuple[WxrItem, ...]


def read_channel(path: Path) -> WxrChannel:
    """The export at `path`, or ImportFailed with one sentence saying what the file is instead."""
    raw, _ = read_limited(path, MAX_WXR_BYTES, "WordPress exports")
    name = printable(path.name)
    if not raw.strip():
        raise ImportFailed(f"{name} is empty; {EXPORT_AGAIN} ({OUTCOME}).")
    # The collector asks the parser for the line it is at, so notes can say where a post is.
    collector = _Collector(name, lambda: parser.parser.CurrentLineNumber)
    parser = DefusedXMLParser(target=collector, forbid_dtd=True)
    try:
        for start in range(0, len(raw), _FEED_BYTES):
            parser.feed(raw[start : start + _FEED_BYTES])
        parser.close()
    except DefusedXmlException:
        raise ImportFailed(
            f"{name} declares a DTD or entities, which a WordPress export never does; {EXPORT_AGAIN} ({OUTCOME})."
        ) from None
    except ParseError as exc:
        raise _parse_failure(name, exc) from None
    return collector.channel()


def _parse_failure(name: str, exc: ParseError) -> ImportFailed:
    line, column = exc.position
    if exc.code in _TRUNCATED:
        return ImportFailed(
            f"{name} stops before its end (line {line}): the export was cut short; {EXPORT_AGAIN} ({OUTCOME})."
        )
    reason = str(exc).split(":")[0].removeprefix("not well-formed (").removesuffix(")")
    return ImportFailed(
        f"{name} is not well-formed XML ({reason} at line {line}, column {column + 1}); {EXPORT_AGAIN} ({OUTCOME})."
    )


def _not_wxr(name: str, found: str) -> ImportFailed:
    return ImportFailed(
        f"{name} is {found}, not a WordPress export (WXR); in WordPress, Tools → Export downloads one ({OUTCOME})."
    )


def short_name(tag: str) -> str:
    """`{http://wordpress.org/export/1.2/}post_name` → `wp:post_name`; other namespaces by their usual prefix."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    if uri.startswith(_WP):
        return f"excerpt:{local}" if uri.endswith("/excerpt/") else f"wp:{local}"
    prefix = _NAMESPACES.get(uri)
    return f"{prefix}:{local}" if prefix else f"{{{uri}}}{local}"


@dataclass
class _Open:
    """A field being read: the text met directly inside it so far."""

    name: str
    depth: int
    line: int
    attrib: dict[str, str]
    text: list[str] = field(default_factory=list)


class _Collector:
    """The parser's target: keeps the channel's, authors' and items' fields, and nothing deeper.

    Depth 0 is <rss>, 1 <channel>, 2 an <item> or <wp:author>, 3 their fields.
    """

    def __init__(self, name: str, line: Callable[[], int]) -> None:
        self._name = name
        self._line = line
        self._depth = 0
        self._open: _Open | None = None
        self._record: dict[str, str] | None = None
        self._record_lines: dict[str, int] = {}
        self._categories: list[Category] = []
        self._item_line = 0
        self._in_author = False
        self._channel_seen = False
        self._site: dict[str, str] = {}
        self._authors: dict[str, str] = {}
        self._items: list[WxrItem] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = short_name(tag)
        depth, self._depth = self._depth, self._depth + 1
        if depth == 0 and name != "rss":
            raise _not_wxr(self._name, f"an XML file whose root is <{printable(name)[:40]}>")
        if depth == 1 and name == "channel":
            self._channel_seen = True
        elif depth == 2 and name in ("item", "wp:author"):
            self._record, self._record_lines, self._categories = {}, {}, []
            self._in_author, self._item_line = name == "wp:author", self._line()
        elif depth == 2 and name in _CHANNEL_FIELDS:
            self._open = _Open(name, depth, self._line(), attrib)
        elif depth == 3 and self._record is not None:
            wanted = _AUTHOR_FIELDS if self._in_author else ITEM_FIELDS | {"category"}
            if name in wanted:
                self._open = _Open(name, depth, self._line(), attrib)

    def data(self, text: str) -> None:
        # Only text directly inside a field, not inside an element someone nested in it.
        if self._open is not None and self._depth == self._open.depth + 1:
            self._open.text.append(text)

    def end(self, tag: str) -> None:
        self._depth -= 1
        if self._open is not None:
            if self._depth == self._open.depth:
                opened, self._open = self._open, None
                self._keep(opened)
        elif self._depth == 2 and self._record is not None:
            self._close_record()

    def _keep(self, opened: _Open) -> None:
        text = "".join(opened.text)
        if self._record is None:  # a channel field
            self._site[opened.name] = text.strip()
        elif opened.name == "category":
            attrib = opened.attrib
            self._categories.append(Category(attrib.get("domain", ""), attrib.get("nicename", ""), text.strip()))
        else:
            self._record.setdefault(opened.name, text)
            self._record_lines.setdefault(opened.name, opened.line)

    def _close_record(self) -> None:
        record, self._record = self._record or {}, None
        if self._in_author:
            login = record.get("wp:author_login", "").strip()
            if login:
                self._authors[login] = record.get("wp:author_display_name", "").strip() or login
        else:
            self._items.append(WxrItem(self._item_line, record, self._record_lines, tuple(self._categories)))

    def close(self) -> None:
        return None

    def channel(self) -> WxrChannel:
        if not self._channel_seen:
            raise _not_wxr(self._name, "an <rss> file without a <channel>")
        if "wp:wxr_version" not in self._site:
            raise _not_wxr(self._name, "an RSS feed")
        site = self._site.get("wp:base_blog_url") or self._site.get("link") or self._site.get("wp:base_site_url", "")
        return WxrChannel(site=site, authors=dict(self._authors), items=tuple(self._items))
