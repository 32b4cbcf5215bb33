"""The live preview's page: the export's entry template with its CSS inlined, filled in by parts."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.export import entry_page as parts
from fieldnotes_desktop.export.context import EntryPageContext, relative_linker
from fieldnotes_desktop.export.pages import inline_chrome
from fieldnotes_desktop.export.entry_page import ENTRY_DEPTH
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.records import SiteProfile
from fieldnotes_desktop.render import pygments_css

if TYPE_CHECKING:
    from fieldnotes_desktop.render.section_renderer import RenderedDocument

HEADER_ID, BODY_ID, FOOTER_ID = "fn-entry-header", "fn-entry-body", "fn-entry-footer"
_ENTRY_HREF = re.compile(r"^(?:\.\./)+([^/?#]+)/(?:index\.html)?(?:[?#].*)?$")


# Shorter than an export's limit: the preview renders while the writer waits for the window.
PREVIEW_RENDER_SECONDS = 2.0


class PreviewPage:
    """Builds what the preview widget loads once (`shell_html`) and the parts it patches in.

    The shell is the export's `entry.html` with empty regions `#fn-entry-header`,
    `#fn-entry-body` (class `entry-body`) and `#fn-entry-footer`; the body is filled with
    rendered sections with their headings fitted under the title (`entry_page.body_html`), exactly
    as the export does.
    """

    def __init__(self, theme_dir: Path | None = None, seconds: float = PREVIEW_RENDER_SECONDS) -> None:
        self._theme = Theme(theme_dir, seconds=seconds)

    @cached_property
    def css(self) -> str:
        """Theme CSS and Pygments CSS, as inlined in the shell."""
        return self._theme.source("site.css") + "\n" + pygments_css()

    def shell_html(self, site: SiteProfile | None = None) -> str:
        """A complete page with no external fetch: links relative like an exported entry page."""
        site = site or SiteProfile()
        return parts.entry_document(
            self._theme,
            site=site,
            chrome=inline_chrome(self.css, relative_linker(ENTRY_DEPTH)),
            page_title=f"Preview — {site.title}",
        )

    def header_html(self, ctx: EntryPageContext) -> str:
        return parts.header_html(self._theme, ctx)

    def footer_html(self, ctx: EntryPageContext) -> str:
        return parts.footer_html(self._theme, ctx)

    @staticmethod
    def body_html(document: RenderedDocument) -> str:
        """A rendered body as the page shows it (headings as written, or all one level down
        when it uses level-1 headings), as the export does."""
        return parts.body_html(document)


def slug_from_href(href: str) -> str | None:
    """The entry slug an entry-page link points at (`../slug/index.html`, `../slug/`), else None."""
    match = _ENTRY_HREF.match(href)
    if match is None or match.group(1) in ("now", "category", "tag", "assets"):
        return None
    return match.group(1)
