"""Reads an entry's fields from front matter: ours, Jekyll's and Hugo's keys, each to the field it means."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.records import DRAFT, FINISHED, SCHEDULED, UNSET, Unset
from fieldnotes_desktop.services.printable import printable

_STATUS = {
    "draft": DRAFT, "drafts": DRAFT, "wip": DRAFT, "unpublished": DRAFT,
    "finished": FINISHED, "final": FINISHED, "done": FINISHED, "published": FINISHED,
    "publish": FINISHED, "public": FINISHED,
    "scheduled": SCHEDULED, "schedule": SCHEDULED,  # ours; "future" stays WordPress's, a draft
}
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%d.%m.%Y")
_TIME = re.compile(r"^\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?$")
# A cover given as a mapping (Hugo themes: `cover: {image: …}`, Jekyll SEO: `image: {path: …}`).
_IMAGE_KEYS = ("image", "path", "src", "url")


def shown(value: object, limit: int = 60) -> str:
    text = printable(str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_date(path: Path, value: object) -> dt.date:
    return parse_moment(path, value)[0]


def parse_moment(path: Path, value: object) -> tuple[dt.date, str]:
    """The day and the time of day (`07:30:00+01:00`, or "" when only the day is given)."""
    if isinstance(value, dt.datetime):
        return value.date(), _time_of(value)
    if isinstance(value, dt.date):
        return value, ""
    text = str(value).strip()
    has_time = ":" in text
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        written = text[11:]  # after `2025-01-19T`: kept as written when it is a plain time of day
        return moment.date(), (written if _TIME.match(written) else _time_of(moment)) if has_time else ""
    for fmt in _DATE_FORMATS:
        try:
            moment = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return moment.date(), _time_of(moment) if has_time else ""
    raise ImportFailed(
        f"{printable(path.name)}: “{shown(text)}” is not a date; write it like 2025-01-19 (nothing was imported)."
    )


def _time_of(moment: dt.datetime) -> str:
    return moment.isoformat().partition("T")[2]


def as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def as_int(path: Path, key: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value).replace(",", "").lower().removesuffix("m").strip())
    except ValueError:
        raise ImportFailed(
            f"{printable(path.name)}: {key} “{shown(value)}” is not a whole number; nothing was imported."
        ) from None


def status_of(path: Path, meta: Mapping[str, Any]) -> str | Unset:
    """Our `status:` when given; else draft for Hugo's `draft: true` or Jekyll's `published: false`;
    else UNSET: where the file came from decides (a site's post is finished, a plain file as asked)."""
    value = meta.get("status")
    if value is not None:
        status = _STATUS.get(str(value).strip().lower())
        if status is None:
            raise ImportFailed(
                f"{printable(path.name)}: status “{shown(value)}” is unknown; use draft, scheduled or finished (nothing was imported)."
            )
        return status
    if meta.get("draft") is True or meta.get("published") is False:
        return DRAFT
    return UNSET


def cover_of(meta: Mapping[str, Any]) -> str:
    """Ours and PaperMod's `cover`, Jekyll's `image`, Hugo's `images` (the first): an address or a path."""
    for key in ("cover", "image", "images"):
        value = meta.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = next((value[k] for k in _IMAGE_KEYS if isinstance(value.get(k), str)), None)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def author_of(meta: Mapping[str, Any]) -> str:
    """`author` as a name, the first of a list, or a mapping's `name`."""
    value = meta.get("author", meta.get("authors"))
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name", "")
    return "" if value is None else str(value).strip()


def aliases_of(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """Hugo's `aliases` and Jekyll's `redirect_from`: the old addresses, as written (the service checks them)."""
    found: list[str] = []
    for key in ("aliases", "redirect_from"):
        value = meta.get(key)
        found += [value.strip()] if isinstance(value, str) and value.strip() else as_list(value if isinstance(value, list) else None)
    return tuple(dict.fromkeys(found))
