"""Reads a Markdown file from disk: its encoding, its YAML front matter, its dates and tags."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.records import DRAFT, FINISHED, EntryFields

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt")

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
_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
_ATX_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_STATUS = {
    "draft": DRAFT, "drafts": DRAFT, "wip": DRAFT, "unpublished": DRAFT,
    "finished": FINISHED, "final": FINISHED, "done": FINISHED, "published": FINISHED,
    "publish": FINISHED, "public": FINISHED,
}
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%d.%m.%Y")


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    fields: EntryFields
    image_refs: tuple[str, ...]


def decode(path: Path, raw: bytes, outcome: str = "nothing was imported") -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused by name.

    `outcome` ends each refusal, saying what did not happen because of it.
    """
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ImportFailed(f"{path.name} is UTF-32 text; save it as UTF-8 and try again ({outcome}).")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                f"{path.name}: the file claims UTF-16 but is damaged at byte {exc.start}; {outcome}."
            ) from exc
    for magic, kind in _MAGIC.items():
        if raw.startswith(magic):
            raise ImportFailed(f"{path.name} is {kind}, not a Markdown text; {outcome}.")
    if b"\x00" in raw[:8192]:
        raise ImportFailed(f"{path.name} is a binary file, not a Markdown text; {outcome}.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{path.name} is not valid UTF-8 text (bad byte at position {exc.start}); "
            f"save it as UTF-8 and try again ({outcome})."
        ) from exc


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """The YAML mapping between `---` lines at the top (after blank lines) and the rest."""
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].rstrip() != "---":
        return {}, text
    for end in range(start + 1, len(lines)):
        if _FENCE.match(lines[end]):
            source = "".join(lines[start + 1 : end])
            try:
                data = yaml.safe_load(source) if source.strip() else {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" (line {mark.line + start + 2})" if mark is not None else ""
                raise ImportFailed(f"{path.name}: the front matter is not valid YAML{where}; nothing was imported.") from exc
            except ValueError as exc:
                # YAML builds dates itself, so `date: 2025-13-45` fails inside the parser.
                raise ImportFailed(f"{path.name}: the front matter holds an impossible date ({exc}); nothing was imported.") from exc
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise ImportFailed(f"{path.name}: the front matter must be a list of `key: value` lines; nothing was imported.")
            # The blank line that usually follows the front matter is not part of the body.
            body = _LEADING_BLANK_LINES.sub("", "".join(lines[end + 1 :]))
            return {str(k).lower(): v for k, v in data.items()}, body
    return {}, text


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
    raise ImportFailed(f"{path.name}: “{text}” is not a date; write it like 2025-01-19. Nothing was imported.")


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
        raise ImportFailed(f"{path.name}: {key} “{value}” is not a whole number; nothing was imported.") from None


def _status(path: Path, meta: dict[str, Any]) -> str:
    if meta.get("draft") is True or meta.get("published") is False:
        return DRAFT
    value = meta.get("status")
    if value is None:
        return DRAFT
    status = _STATUS.get(str(value).strip().lower())
    if status is None:
        raise ImportFailed(f"{path.name}: status “{value}” is unknown; use draft or finished. Nothing was imported.")
    return status


_IMAGE_REF = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def parse_file(path: Path, raw: bytes, modified: dt.date) -> ParsedFile:
    meta, body = split_front_matter(path, decode(path, raw))
    jekyll = _JEKYLL_NAME.match(path.stem)
    title = meta.get("title")
    if title is None:
        lines = body.lstrip("\n").splitlines()
        heading = _ATX_H1.match(lines[0]) if lines else None
        if heading:
            title = heading.group(1)
            body = "\n".join(lines[1:]).lstrip("\n") + ("\n" if body.endswith("\n") else "")
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
