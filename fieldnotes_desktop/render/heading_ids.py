"""Turn heading text into URL fragment ids and keep them unique within a document."""

# Not render/entry_slugs.py, on purpose: heading ids follow GitHub's anchors (accents kept,
# `slug-1` for the second), as mdit-py-plugins' anchors plugin does and as writers expect
# when they link `#a-heading` by hand; entry and archive folders fold accents instead.

from __future__ import annotations

import re

_DROP_RE = re.compile(r"[^\w\- ]")
_SPACES_RE = re.compile(r" +")

FALLBACK_SLUG = "section"


def slugify(title: str) -> str:
    """GitHub-style slug: lower case, punctuation dropped, spaces become hyphens."""
    slug = _SPACES_RE.sub("-", _DROP_RE.sub("", title.strip().lower()))
    # A heading made only of punctuation or emoji still needs a link target.
    return slug or FALLBACK_SLUG


def unique_slug(slug: str, taken: set[str]) -> str:
    """Return `slug`, or `slug-1`, `slug-2`... whichever is free first, and reserve it."""
    candidate = slug
    suffix = 1
    while candidate in taken:
        candidate = f"{slug}-{suffix}"
        suffix += 1
    taken.add(candidate)
    return candidate
