"""Assembles an entry page from its three parts; the export and the live preview both build pages here."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from fieldnotes_desktop.export.context import EntryPageContext
from fieldnotes_desktop.export.html import demote_headings
from fieldnotes_desktop.export.pages import PageChrome
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.records import SiteProfile
from fieldnotes_desktop.render import RenderedDocument

ENTRY_TEMPLATE = "entry.html"
HEADER_TEMPLATE = "_entry_header.html"
FOOTER_TEMPLATE = "_entry_footer.html"
ENTRY_TEMPLATES = (ENTRY_TEMPLATE, HEADER_TEMPLATE, FOOTER_TEMPLATE, "_author_card.html")


def header_html(theme: Theme, ctx: EntryPageContext) -> str:
    """Masthead, elevation, meta line and the title: the inside of `#fn-entry-header`."""
    return theme.render(HEADER_TEMPLATE, ctx=ctx)


def footer_html(theme: Theme, ctx: EntryPageContext) -> str:
    """Tags, author card, now and more field notes: the inside of `#fn-entry-footer`."""
    return theme.render(FOOTER_TEMPLATE, ctx=ctx)


def body_html(document: RenderedDocument) -> str:
    """The body's sections as the page shows them: the title keeps the only `<h1>`."""
    return "".join(section_html(section.html) for section in document.sections)


def section_html(html: str) -> str:
    return demote_headings(html)


def entry_document(
    theme: Theme,
    *,
    site: SiteProfile,
    chrome: PageChrome,
    page_title: str,
    description: str = "",
    header: str = "",
    body: str | Iterable[str] = "",
    footer: str = "",
) -> str:
    """The whole entry page: `entry.html` with the three regions filled (or left empty)."""
    body_text = body if isinstance(body, str) else "".join(body)
    return theme.render(
        ENTRY_TEMPLATE,
        site=site,
        chrome=chrome,
        page_title=page_title,
        description=description,
        header_html=Markup(header),
        body_html=Markup(body_text),
        footer_html=Markup(footer),
    )
