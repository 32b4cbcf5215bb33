"""Site export: snapshot → Jinja2 theme → paranoid writer; also the live preview's page parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldnotes_desktop.lazy import lazy_names

if TYPE_CHECKING:
    from fieldnotes_desktop.export.context import EntryPageContext
    from fieldnotes_desktop.export.html import demote_headings
    from fieldnotes_desktop.export.preview import PreviewPage, slug_from_href

# Loaded when first asked for: the theme's Jinja2 environment and the renderer behind it take
# ~150 ms to import, which the window's start does without (its preview comes a moment later).
_HOMES = {
    "EntryPageContext": "context",
    "demote_headings": "html",
    "PreviewPage": "preview",
    "slug_from_href": "preview",
}
__all__ = [
    "EntryPageContext",
    "PreviewPage",
    "demote_headings",
    "slug_from_href",
]

__getattr__ = lazy_names(__name__, _HOMES)
