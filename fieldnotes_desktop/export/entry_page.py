"""Assembles an entry page from its three parts; the export and the live preview both build pages here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from fieldnotes_desktop.export.context import EntryPageContext, relative_linker, shown_summary
from fieldnotes_desktop.export.disk import WrittenFile
from fieldnotes_desktop.export.head_meta import PageMeta, SocialImage, entry_meta
from fieldnotes_desktop.export.html import (
    demote_headings,
    drop_image_copies,
    excerpt,
    fit_headings,
    has_level_one,
    strip_source_lines,
)
from fieldnotes_desktop.export.pages import PageChrome, linked_chrome
from fieldnotes_desktop.export.theme import Theme
from fieldnotes_desktop.records import SiteProfile
from fieldnotes_desktop.render import RenderedDocument
from fieldnotes_desktop.render.typography import site_typography

ENTRY_TEMPLATE = "entry.html"
HEADER_TEMPLATE = "_entry_header.html"
FOOTER_TEMPLATE = "_entry_footer.html"
ENTRY_TEMPLATES = (ENTRY_TEMPLATE, HEADER_TEMPLATE, FOOTER_TEMPLATE, "_author_card.html", "_head_meta.html")
ENTRY_DEPTH = "../"  # from an entry's page (`slug/index.html`) to the site's root


@dataclass(frozen=True, slots=True)
class BuiltPage:
    """An exported entry page, and what the site's other pages take from its body."""

    html: str  # empty when a worker wrote it to the staging folder already (`written`)
    excerpt: str | None  # the body's opening, for an entry without a summary of its own
    feed_body: str | None  # the body as feed readers get it, for an entry in the feed
    written: WrittenFile | None = None
    inputs: str | None = None  # with `written`: what the next export compares to keep it (`page_inputs`)


# What an entry page's context holds of its own: everything but the site and its now text,
# which are the same on every page and in the inputs' base once (`SiteBuilder._page_base`).
_OWN_CONTEXT = tuple(name for name in EntryPageContext.__dataclass_fields__ if name not in ("site", "now_html"))


def page_inputs(base: bytes, ctx: EntryPageContext, body: str) -> str:
    """A digest of what an entry page is made from, past what every page shares (`base`)."""
    digest = hashlib.blake2b(base, digest_size=16)
    own = tuple(getattr(ctx, name) for name in _OWN_CONTEXT)
    digest.update(repr(own).encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(body.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def build_entry_page(
    theme: Theme,
    ctx: EntryPageContext,
    document: RenderedDocument,
    *,
    in_feed: bool,
    image: SocialImage | None = None,
) -> BuiltPage:
    """The exported page of `ctx.entry`; the same in this process and in an export's workers.

    `image`: what link previews of the page show (the cover, or else the body's first image).
    """
    entry, site = ctx.entry, ctx.site
    body = body_html(document)
    summary = shown_summary(entry, site_typography(site))
    opening = None if summary else excerpt(body)
    # feed readers get the body without the preview's section wrappers and line marks
    feed_body = drop_image_copies(strip_source_lines(fit_headings(document.inner_html))) if in_feed else None
    description = summary or opening or ""
    html = entry_document(
        theme,
        site=site,
        chrome=linked_chrome(relative_linker(ENTRY_DEPTH)),
        page_title=f"{ctx.title} — {site.title}",
        description=description,
        header=header_html(theme, ctx),
        body=body,
        footer=footer_html(theme, ctx),
        meta=entry_meta(ctx, description, image),
    )
    return BuiltPage(html, opening, feed_body)


def header_html(theme: Theme, ctx: EntryPageContext) -> str:
    """Masthead, elevation, meta line and the title: the inside of `#fn-entry-header`."""
    return theme.render(HEADER_TEMPLATE, ctx=ctx)


def footer_html(theme: Theme, ctx: EntryPageContext) -> str:
    """Tags, author card, now and more field notes: the inside of `#fn-entry-footer`."""
    return theme.render(FOOTER_TEMPLATE, ctx=ctx)


def body_html(document: RenderedDocument) -> str:
    """The body's sections as the page shows them: headings as written, unless the body uses
    level-1 headings, when all of them move one level down (the title keeps the only `<h1>`)."""
    sections = [section.html for section in document.sections]
    if any(map(has_level_one, sections)):
        sections = [demote_headings(html) for html in sections]
    return "".join(sections)


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
    meta: PageMeta | None = None,
) -> str:
    """The whole entry page: `entry.html` with the three regions filled (or left empty).

    `description` stays beside `meta` (which holds it too) for themes whose `entry.html` predates `meta`.
    """
    body_text = body if isinstance(body, str) else "".join(body)
    return theme.render(
        ENTRY_TEMPLATE,
        site=site,
        chrome=chrome,
        page_title=page_title,
        description=description,
        meta=meta,
        header_html=Markup(header),
        body_html=Markup(body_text),
        footer_html=Markup(footer),
    )
