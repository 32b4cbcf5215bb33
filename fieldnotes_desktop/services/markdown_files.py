"""Reads a Markdown file from disk: its bytes within limits, its encoding, its front matter, its fields."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.render.image_refs import image_refs
from fieldnotes_desktop.services.front_fields import (
    aliases_of,
    as_int,
    as_list,
    author_of,
    cover_of,
    parse_date,
    parse_moment,
    status_of,
)
from fieldnotes_desktop.services.front_matter import (
    MAX_FRONT_MATTER_CHARS,
    MAX_FRONT_MATTER_DEPTH,
    line_of,
    split_front_matter,
)
from fieldnotes_desktop.services.printable import is_text, printable

__all__ = [
    "MARKDOWN_SUFFIXES", "MAX_FRONT_MATTER_CHARS", "MAX_FRONT_MATTER_DEPTH", "MAX_MARKDOWN_BYTES", "ParsedFile",
    "decode", "image_refs", "is_text", "megabytes", "parse_date", "parse_file", "printable", "read_limited",
    "special_kind", "split_front_matter",
]

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt")
MEGABYTE = 1024 * 1024
# A 200,000-word book is about 1.3 MB of Markdown; 20 MB leaves room for anything a writer
# keeps in one entry while bounding what one import holds in memory.
MAX_MARKDOWN_BYTES = 20 * MEGABYTE
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (perhaps a Word or OpenDocument file)",
    b"SQLite format 3": "an SQLite database",
}
JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_ATX_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")

# File types that are not files: reading one blocks forever (a FIFO) or never ends (/dev/zero).
_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)
@dataclass(frozen=True)
class ParsedFile:
    path: Path
    fields: EntryFields
    image_refs: tuple[str, ...]
    body_line: int = 1  # the line of the file the body starts on, for the import report


def megabytes(size: int) -> str:
    """`200 MB`, `20.1 MB`: rounded up, so a file just over a limit never reads as equal to it."""
    tenths = -(-size * 10 // MEGABYTE)
    return f"{tenths // 10} MB" if tenths % 10 == 0 or tenths >= 1000 else f"{tenths / 10:.1f} MB"


def special_kind(info: os.stat_result) -> str | None:
    """"a named pipe", "a device"… for what is not a regular file; None for a regular file."""
    for test, kind in _SPECIAL_KINDS:
        if test(info.st_mode):
            return kind
    return None if stat.S_ISREG(info.st_mode) else "not a regular file"


def read_limited(
    path: Path,
    limit: int,
    what: str = "Markdown files",
    *,
    within: Path | None = None,
    outcome: str = "nothing was imported",
) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at `path` (links followed), refusing above `limit` bytes.

    Special files are refused before they are opened, and again after (the path may have been
    swapped in between); at most `limit + 1` bytes are ever read. With `within` (a resolved
    folder), a link leading out of that folder is refused too. `outcome` ends each refusal.
    """
    name = printable(path.name)
    try:
        info = os.stat(path)
        _check_regular(path, name, info, outcome)
        if within is not None and not path.resolve().is_relative_to(within):
            raise ImportFailed(
                f"{name} is a link to a file outside {printable(within.name)}; copy the file into the folder "
                f"to import it ({outcome})."
            )
        _check_size(name, info.st_size, limit, what, outcome)
        # O_NONBLOCK: should a FIFO be swapped in after the stat, open() returns instead of waiting.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            _check_regular(path, name, info, outcome)
            _check_size(name, info.st_size, limit, what, outcome)
            raw = file.read(info.st_size + 1)
            if len(raw) > info.st_size:  # growing while read, or a /proc-style file of size 0
                raw += file.read(max(0, limit + 1 - len(raw)))
    except OSError as exc:
        raise ImportFailed(f"{name} cannot be read ({exc.strerror or exc}); {outcome}.") from exc
    _check_size(name, len(raw), limit, what, outcome)
    return raw, info


def _check_regular(path: Path, name: str, info: os.stat_result, outcome: str) -> None:
    kind = special_kind(info)
    if kind is None:
        return
    via = " a link to" if path.is_symlink() else ""
    raise ImportFailed(f"{name} is{via} {kind}, not a file with text in it; {outcome}.")


def _check_size(name: str, size: int, limit: int, what: str, outcome: str) -> None:
    if size > limit:
        raise ImportFailed(
            f"{name} is {megabytes(size)}; Field Notes reads {what} up to {megabytes(limit)}, so {outcome}."
        )


def decode(path: Path, raw: bytes, outcome: str = "nothing was imported") -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused by name.

    `outcome` ends each refusal, saying what did not happen because of it.
    """
    name = printable(path.name)
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ImportFailed(f"{name} is UTF-32 text; save it as UTF-8 and try again ({outcome}).")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"{name}: the file claims UTF-16 but is damaged at byte {exc.start}; {outcome}.") from exc
        if "\x00" in text:
            raise ImportFailed(f"{name} is a binary file, not a Markdown text; {outcome}.")
        return text
    for magic, kind in _MAGIC.items():
        if raw.startswith(magic):
            raise ImportFailed(f"{name} is {kind}, not a Markdown text; {outcome}.")
    # Anywhere, not only near the top: a NUL stored in an entry truncates it in C-based tools.
    if b"\x00" in raw:
        raise ImportFailed(f"{name} is a binary file, not a Markdown text; {outcome}.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{name} is not valid UTF-8 text (bad byte at position {exc.start}); "
            f"save it as UTF-8 and try again ({outcome})."
        ) from exc


# Brackets and parentheses end each part, and nothing backtracks, so the scan stays linear
# however many `![` or `](` a hostile body holds (an alt text with brackets inside is missed).
# The line breaks of str.splitlines(), found one at a time instead of splitting the whole text.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _heading_and_rest(body: str) -> tuple[re.Match[str] | None, str]:
    """The first line as an ATX heading (if it is one) and the lines after it, breaks as `\\n`."""
    text = body.lstrip("\n")
    first_break = _LINE_BREAK.search(text)
    first = text[: first_break.start()] if first_break else text
    rest = _LINE_BREAK.sub("\n", text[first_break.end() :]) if first_break else ""
    return _ATX_H1.match(first), rest.removesuffix("\n")


def title_and_slug(path: Path, meta: dict[str, Any], body: str) -> tuple[str, str, str]:
    """The title (the front matter's, the first heading's or the file's name), the slug asked for,
    and the body, without its first heading when that became the title."""
    jekyll = JEKYLL_NAME.match(path.stem)
    # A Hugo page bundle (`posts/x/index.md`) is named by its folder.
    bundle = path.parent.name if path.stem in ("index", "_index") and path.parent.name else ""
    title = meta.get("title")
    if title is None:
        heading, rest = _heading_and_rest(body)
        if heading:
            title = heading.group(1)
            body = rest.lstrip("\n") + ("\n" if body.endswith("\n") else "")
        else:
            stem = jekyll.group(4) if jekyll else bundle or path.stem
            title = stem.replace("-", " ").replace("_", " ").strip().capitalize()
    slug = str(meta.get("slug") or (jekyll.group(4) if jekyll else "") or bundle or title)
    return str(title).strip(), slug, body


def parse_file(path: Path, raw: bytes, modified: dt.date) -> ParsedFile:
    """The entry a file holds. Its status is left UNSET when the file does not say: the importer
    decides from where the file came (a site's post is finished, a plain file as the writer asked)."""
    text = decode(path, raw)
    meta, body = split_front_matter(path, text)
    body_line = line_of(text, len(text) - len(body))
    jekyll = JEKYLL_NAME.match(path.stem)
    title, slug, titled_body = title_and_slug(path, meta, body)
    if titled_body is not body:  # the first heading became the title
        body_line += body.count("\n") - titled_body.count("\n")
        body = titled_body
    time = ""
    if meta.get("date") is not None:
        date, time = parse_moment(path, meta["date"])
    elif jekyll:
        date = parse_date(path, "-".join(jekyll.group(1, 2, 3)))
    else:
        date = modified
    categories = as_list(meta.get("category")) or as_list(meta.get("categories"))
    tags = as_list(meta.get("tags")) + categories[1:]
    summary = meta.get("summary") or meta.get("description") or meta.get("excerpt") or ""
    fields = EntryFields(
        title=title,
        slug=slug,
        body=body,
        summary=str(summary).strip(),
        category=categories[0] if categories else "",
        status=status_of(path, meta),
        date=date,
        volume=as_int(path, "volume", meta.get("volume")),
        elevation_m=as_int(path, "elevation", meta.get("elevation", meta.get("elevation_m"))),
        reading_minutes=as_int(path, "reading_minutes", meta.get("reading_minutes")),
        tags=tuple(dict.fromkeys(tags)),
        language=str(meta.get("language") or "").strip(),
        word_goal=as_int(path, "word_goal", meta.get("word_goal")),
        cover=cover_of(meta),
        author=author_of(meta),
        aliases=aliases_of(meta),
        published_time=meta["published_time"] if isinstance(meta.get("published_time"), str) else time,
    )
    return ParsedFile(path=path, fields=fields, image_refs=image_refs(body), body_line=body_line)


