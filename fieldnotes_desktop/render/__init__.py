"""Markdown to sanitized HTML for preview and export, plus word counts; no Qt here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldnotes_desktop.lazy import lazy_names

if TYPE_CHECKING:
    from fieldnotes_desktop.render.api import render_inline, render_markdown, typeset_text
    from fieldnotes_desktop.render.highlight import pygments_css
    from fieldnotes_desktop.render.section_renderer import (
        RenderedDocument,
        RenderedSection,
        RenderStats,
        SectionRenderer,
    )
    from fieldnotes_desktop.render.sections import SourceSection, split_sections
    from fieldnotes_desktop.render.text_stats import count_words, reading_minutes
    from fieldnotes_desktop.render.typography import PLAIN, Typography, site_typography

# Each name with the module that holds it, loaded when first asked for: markdown-it, Pygments and
# nh3 take ~80 ms to import, which the window's start and a word count do without.
_HOMES = {
    "render_inline": "api",
    "render_markdown": "api",
    "typeset_text": "api",
    "pygments_css": "highlight",
    "RenderedDocument": "section_renderer",
    "RenderedSection": "section_renderer",
    "RenderStats": "section_renderer",
    "SectionRenderer": "section_renderer",
    "SourceSection": "sections",
    "split_sections": "sections",
    "count_words": "text_stats",
    "reading_minutes": "text_stats",
    "PLAIN": "typography",
    "Typography": "typography",
    "site_typography": "typography",
}
__all__ = [
    "PLAIN",
    "RenderStats",
    "RenderedDocument",
    "RenderedSection",
    "SectionRenderer",
    "SourceSection",
    "Typography",
    "count_words",
    "pygments_css",
    "reading_minutes",
    "render_inline",
    "render_markdown",
    "site_typography",
    "split_sections",
    "typeset_text",
]

__getattr__ = lazy_names(__name__, _HOMES)
