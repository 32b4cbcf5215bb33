"""Folder names for category and tag archives, unique even when two names fold to one slug."""

from __future__ import annotations

from collections.abc import Iterable

from fieldnotes_desktop.render.entry_slugs import unique_slug


def archive_slugs(names: Iterable[str]) -> dict[str, str]:
    """A slug per distinct non-empty name; `C#` and `C` become `c` and `c-2`, in sorted order.

    Entry slugs and archive folders are made by the same rules, so a writer who knows one
    knows the other.
    """
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted({n for n in names if n.strip()}, key=lambda n: (n.casefold(), n)):
        slug = unique_slug(name, taken.__contains__)
        taken.add(slug)
        slugs[name] = slug
    return slugs
