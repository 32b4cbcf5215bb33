"""Markdown to sanitized HTML for preview and export, plus word counts; no Qt here."""

from fieldnotes_desktop.render.api import render_inline, render_markdown
from fieldnotes_desktop.render.highlight import pygments_css
from fieldnotes_desktop.render.section_renderer import (
    RenderedDocument,
    RenderedSection,
    RenderStats,
    SectionRenderer,
)
from fieldnotes_desktop.render.sections import SourceSection, split_sections
from fieldnotes_desktop.render.text_stats import count_words, reading_minutes

__all__ = [
    "RenderStats",
    "RenderedDocument",
    "RenderedSection",
    "SectionRenderer",
    "SourceSection",
    "count_words",
    "pygments_css",
    "reading_minutes",
    "render_inline",
    "render_markdown",
    "split_sections",
]
