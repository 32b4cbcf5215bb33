"""Reads a Markdown file from disk: its bytes within limits, its encoding, its YAML front matter, its dates and tags."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.records import DRAFT, FINISHED, EntryFields

if TYPE_CHECKING:
    from types import ModuleType

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt")
MEGABYTE = 1024 * 1024
# A 200,000-word book is about 1.3 MB of Markdown; 20 MB leaves room for anything a writer
# keeps in one entry while bounding what one import holds in memory.
MAX_MARKDOWN_BYTES = 20 * MEGABYTE
# Front matter is a few short fields. These bounds are checked on the parser's events, before
# YAML builds any object, so neither an alias bomb nor `[[[[…` ever reaches the constructor.
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_FRONT_MATTER_DEPTH = 20
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (perhaps a Word or OpenDocument file)",
    b"SQLite format 3": "an SQLite database",
}
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")
_JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_OPENING_FENCE = re.compile(r"(?:[ \t\f\v]*+(?:\r\n|\r|\n))*+---[ \t]*+(?:\r\n|\r|\n)")
_CLOSING_FENCE = re.compile(r"(?<=[\r\n])(?:---|\.\.\.)[ \t]*+(?:\r\n|\r|\n|\Z)")
_ATX_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_STATUS = {
    "draft": DRAFT, "drafts": DRAFT, "wip": DRAFT, "unpublished": DRAFT,
    "finished": FINISHED, "final": FINISHED, "done": FINISHED, "published": FINISHED,
    "publish": FINISHED, "public": FINISHED,
}
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%d.%m.%Y")


# File types that are not files: reading one blocks forever (a FIFO) or never ends (/dev/zero).
_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)
# Characters that would break the one line a message is, or reorder it on screen.
_INVISIBLE = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    fields: EntryFields
    image_refs: tuple[str, ...]


def printable(text: str) -> str:
    """`text` (a file name, a path) safe to print on one line whatever bytes it came from.

    Bytes that were not UTF-8 (which Python hands over as lone surrogates) become U+FFFD;
    control and bidirectional characters are shown escaped.
    """
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    if text.isprintable():
        return text
    return "".join(_escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if unicodedata.category(ch) == "Cc":
        return f"\\x{ord(ch):02x}"
    if ch in _INVISIBLE:
        return f"\\u{ord(ch):04x}"
    return ch


def is_text(name: str) -> bool:
    """False for a name holding bytes that are not UTF-8 (surrogate-escaped by the OS layer)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """The YAML mapping between `---` lines at the top (after blank lines) and the rest.

    Only the top of the text is looked at, so a long body costs no more than reading it.
    """
    opening = _OPENING_FENCE.match(text)
    if opening is None:
        return {}, text
    start = opening.end()
    closing = _CLOSING_FENCE.search(text, start)
    if closing is None:
        return {}, text
    name = printable(path.name)
    if closing.start() - start > MAX_FRONT_MATTER_CHARS:
        raise ImportFailed(
            f"{name}: the front matter is longer than {MAX_FRONT_MATTER_CHARS // 1024} KB; "
            "move long text into the body (nothing was imported)."
        )
    first_line = text.count("\n", 0, start) + text.count("\r", 0, start) - text.count("\r\n", 0, start) + 1
    data = _load_front_matter(name, text[start : closing.start()], first_line)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ImportFailed(f"{name}: the front matter must be a list of `key: value` lines; nothing was imported.")
    # The blank line that usually follows the front matter is not part of the body.
    body = _LEADING_BLANK_LINES.sub("", text[closing.end() :])
    return {str(k).lower(): v for k, v in data.items()}, body


@functools.cache
def _yaml() -> tuple[ModuleType, Any]:
    """PyYAML and its loader, imported at the first front matter read: the window's start,
    which only prints file names through this module, does without it (~20 ms).

    The C loader is faster and refuses surrogate escapes itself; the pure one is the fallback.
    """
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_front_matter(name: str, source: str, first_line: int) -> object:
    if not source.strip():
        return {}
    yaml, loader = _yaml()
    try:
        _check_events(name, source)
        data: object = yaml.load(source, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + first_line})" if mark is not None else ""
        problem = str(getattr(exc, "problem", "")).lower()
        if "unicode character escape" in problem:  # libyaml's word for "\\ud800"
            raise _surrogate_error(name, where) from None
        if "nesting depth" in problem:  # libyaml's own bound, met before ours on one long line
            raise _depth_error(name) from None
        raise ImportFailed(f"{name}: the front matter is not valid YAML{where}; nothing was imported.") from exc
    except ValueError as exc:
        # YAML builds dates and numbers itself, so `date: 2025-13-45` fails inside the parser.
        raise ImportFailed(
            f"{name}: the front matter holds an impossible date or number ({exc}); nothing was imported."
        ) from exc
    _check_text(name, data)
    return data


def _check_events(name: str, source: str) -> None:
    """Refuses aliases and deep nesting from the parser's events, before any object is built."""
    depth = 0
    yaml, loader = _yaml()
    for event in yaml.parse(source, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            anchor = printable(str(event.anchor))[:40]
            raise ImportFailed(
                f"{name}: the front matter repeats a value through the YAML alias *{anchor}, "
                "which import does not expand; write the value out in full (nothing was imported)."
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_FRONT_MATTER_DEPTH:
                raise _depth_error(name)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_text(name: str, data: object) -> None:
    """Refuses lone surrogates (`"\\ud800"`), which no database or terminal can store or print."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if not is_text(value):
                raise _surrogate_error(name, "")
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            pending.extend(value)


def _depth_error(name: str) -> ImportFailed:
    return ImportFailed(
        f"{name}: the front matter nests lists or mappings deeper than {MAX_FRONT_MATTER_DEPTH} levels; "
        "nothing was imported."
    )


def _surrogate_error(name: str, where: str) -> ImportFailed:
    return ImportFailed(
        f"{name}: the front matter holds an escape that is not valid Unicode text{where}, such as \\ud800; "
        "write the character itself (nothing was imported)."
    )


def parse_date(path: Path, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ImportFailed(
        f"{printable(path.name)}: “{_shown(text)}” is not a date; write it like 2025-01-19 (nothing was imported)."
    )


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _as_int(path: Path, key: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value).replace(",", "").lower().removesuffix("m").strip())
    except ValueError:
        raise ImportFailed(
            f"{printable(path.name)}: {key} “{_shown(value)}” is not a whole number; nothing was imported."
        ) from None


def _status(path: Path, meta: dict[str, Any]) -> str:
    if meta.get("draft") is True or meta.get("published") is False:
        return DRAFT
    value = meta.get("status")
    if value is None:
        return DRAFT
    status = _STATUS.get(str(value).strip().lower())
    if status is None:
        raise ImportFailed(
            f"{printable(path.name)}: status “{_shown(value)}” is unknown; use draft or finished (nothing was imported)."
        )
    return status


# Brackets and parentheses end each part, and nothing backtracks, so the scan stays linear
# however many `![` or `](` a hostile body holds (an alt text with brackets inside is missed).
_IMAGE_REF = re.compile(r'!\[[^\[\]]*+\]\(\s*+<?([^()\s<>]++)>?(?:\s++"[^"]*+")?\s*+\)')
# The line breaks of str.splitlines(), found one at a time instead of splitting the whole text.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _shown(value: object, limit: int = 60) -> str:
    text = printable(str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _heading_and_rest(body: str) -> tuple[re.Match[str] | None, str]:
    """The first line as an ATX heading (if it is one) and the lines after it, breaks as `\\n`."""
    text = body.lstrip("\n")
    first_break = _LINE_BREAK.search(text)
    first = text[: first_break.start()] if first_break else text
    rest = _LINE_BREAK.sub("\n", text[first_break.end() :]) if first_break else ""
    return _ATX_H1.match(first), rest.removesuffix("\n")


def parse_file(path: Path, raw: bytes, modified: dt.date) -> ParsedFile:
    meta, body = split_front_matter(path, decode(path, raw))
    jekyll = _JEKYLL_NAME.match(path.stem)
    title = meta.get("title")
    if title is None:
        heading, rest = _heading_and_rest(body)
        if heading:
            title = heading.group(1)
            body = rest.lstrip("\n") + ("\n" if body.endswith("\n") else "")
        else:
            stem = jekyll.group(4) if jekyll else path.stem
            title = stem.replace("-", " ").replace("_", " ").strip().capitalize()
    if meta.get("date") is not None:
        date = parse_date(path, meta["date"])
    elif jekyll:
        date = parse_date(path, "-".join(jekyll.group(1, 2, 3)))
    else:
        date = modified
    categories = _as_list(meta.get("category")) or _as_list(meta.get("categories"))
    tags = _as_list(meta.get("tags")) + categories[1:]
    summary = meta.get("summary", meta.get("description", meta.get("excerpt", "")))
    fields = EntryFields(
        title=str(title).strip(),
        slug=str(meta.get("slug") or (jekyll.group(4) if jekyll else "") or title),
        body=body,
        summary=str(summary or "").strip(),
        category=categories[0] if categories else "",
        status=_status(path, meta),
        date=date,
        volume=_as_int(path, "volume", meta.get("volume")),
        elevation_m=_as_int(path, "elevation", meta.get("elevation", meta.get("elevation_m"))),
        reading_minutes=_as_int(path, "reading_minutes", meta.get("reading_minutes")),
        tags=tuple(dict.fromkeys(tags)),
    )
    refs = tuple(m.group(1) for m in _IMAGE_REF.finditer(body) if "://" not in m.group(1) and not m.group(1).startswith("data:"))
    return ParsedFile(path=path, fields=fields, image_refs=refs)
