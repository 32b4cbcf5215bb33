"""Slugs for entry pages and archive folders: readable, lower case, accents folded, unique."""

# Below both of its users: services make entry slugs with it and the export names archive
# folders with it, so that a writer who knows one knows the other. Heading ids inside a page
# follow other rules (render/heading_ids.py).

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)

# Folders the export writes beside the entries' own: an entry slugged "now" would collide.
RESERVED_SLUGS = frozenset({"now", "assets", "category", "tag"})


def slugify(text: str) -> str:
    """`Café au lait, 2024!` → `cafe-au-lait-2024`; letters of other scripts are kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    slug = _NOT_WORD.sub("-", stripped.lower()).strip("-_")
    return slug[:80].strip("-") or "entry"


def unique_slug(wanted: str, taken: Callable[[str], bool]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… — the first that `taken` does not claim."""
    base = slugify(wanted)
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate
