"""Site export: snapshot → Jinja2 theme → paranoid writer; also the live preview's page parts."""

from fieldnotes_desktop.export.context import EntryPageContext
from fieldnotes_desktop.export.html import demote_headings
from fieldnotes_desktop.export.preview import PreviewPage, slug_from_href

__all__ = ["EntryPageContext", "PreviewPage", "demote_headings", "slug_from_href"]
