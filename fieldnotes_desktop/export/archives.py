"""Folder names for category and tag archives, unique even when two names fold to one slug."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def archive_slug(name: str) -> str:
    """`Café & Code` → `cafe-code`; letters of other scripts are kept."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub("-", stripped.lower()).strip("-_")[:80].strip("-") or "untitled"


def archive_slugs(names: Iterable[str]) -> dict[str, str]:
    """A slug per distinct non-empty name; `C#` and `C` become `c` and `c-2`, in sorted order."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted({n for n in names if n.strip()}, key=lambda n: (n.casefold(), n)):
        base = archive_slug(name)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        slugs[name] = candidate
    return slugs
