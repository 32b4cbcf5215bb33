"""What an entry page shows besides its body, computed from records alone (no database, no Qt)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fieldnotes_desktop.records import DRAFT, FINISHED, EntrySummary, SiteProfile
from fieldnotes_desktop.render import reading_minutes

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
MORE_LINKS = 6
SEPARATOR = " · "

# Maps a site path such as `some-slug/` to an href for the page being built (None: no link).
Linker = Callable[[str], str | None]


def relative_linker(prefix: str) -> Linker:
    """Links relative to a page `prefix` deep, e.g. `../` for an entry page.

    Links name `index.html` explicitly: a folder link opened from disk shows a file listing.
    """
    return lambda path: f"{prefix}{path}index.html" if not path or path.endswith("/") else prefix + path


def absolute_linker(base_url: str) -> Linker:
    """Links under the published address; without one there is nothing to link to."""
    if not base_url:
        return lambda path: None
    return lambda path: base_url + path


@dataclass(frozen=True, slots=True)
class Link:
    """A titled link to another page; `href` None means shown as plain text."""

    title: str
    href: str | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class EntryPageContext:
    """Everything the entry templates need besides the rendered body."""

    site: SiteProfile
    entry: EntrySummary
    volume_label: str | None  # "VOL.08"
    site_label: str  # "FIELD NOTES"
    number_label: str | None  # "ENTRY 05/23"
    is_draft: bool
    elevation_label: str | None  # "▲ 8,200M"
    category: str
    category_href: str | None
    date_label: str  # "January 19, 2025"
    date_iso: str
    reading_label: str  # "8 min read"
    title: str
    tags: tuple[Link, ...]
    author_name: str
    author_initials: str  # "SM", for the author card's mark
    author_line: str  # "role · location", empty parts left out
    now_html: str
    now_href: str | None
    home_href: str | None
    more: tuple[Link, ...]

    @property
    def masthead(self) -> str:
        """The masthead as plain text: `VOL.08 — FIELD NOTES · ENTRY 05/23`."""
        text = f"{self.volume_label} — {self.site_label}" if self.volume_label else self.site_label
        return text + (SEPARATOR + self.number_label if self.number_label else "")

    @property
    def meta_line(self) -> str:
        return SEPARATOR.join(p for p in (self.category, self.date_label, self.reading_label) if p)


@dataclass(frozen=True, slots=True)
class Catalog:
    """The site and the finished entries that numbering and "More field notes" draw from."""

    site: SiteProfile
    finished: tuple[EntrySummary, ...]
    category_slugs: dict[str, str]
    tag_slugs: dict[str, str]
    # Derived once per catalog, so a thousand pages do not each sort a thousand entries.
    newest: tuple[EntrySummary, ...] = ()
    order_by_volume: dict[int | None, list[tuple[dt.date, int]]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        site: SiteProfile,
        finished: Sequence[EntrySummary],
        category_slugs: dict[str, str],
        tag_slugs: dict[str, str],
    ) -> Catalog:
        kept = tuple(e for e in finished if e.status == FINISHED)
        order: dict[int | None, list[tuple[dt.date, int]]] = {}
        for e in kept:
            order.setdefault(e.volume, []).append((e.date, e.id))
        for keys in order.values():
            keys.sort()
        newest = tuple(sorted(kept, key=lambda e: (e.date, e.id), reverse=True))
        return cls(site, kept, category_slugs, tag_slugs, newest, order)


def date_label(day: dt.date) -> str:
    """`January 19, 2025`, whatever locale Qt has set for the process."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def elevation_label(metres: int | None) -> str | None:
    if metres is None:
        return None
    sign = "−" if metres < 0 else ""
    return f"▲ {sign}{abs(metres):,}M"


def volume_label(volume: int | None) -> str | None:
    return None if volume is None else f"VOL.{volume:02d}"


def entry_number(entry: EntrySummary, catalog: Catalog) -> tuple[int, int]:
    """The entry's place among the finished entries of its volume, by date, oldest first.

    An entry not yet counted (a draft, or one finished since the catalog was read) gets the
    number it would have once finished, and the total grows by one to make room for it.
    """
    keys = catalog.order_by_volume.get(entry.volume, [])
    if any(key[1] == entry.id for key in keys):
        # the catalog may hold this entry with an older date than the one being edited
        keys = [key for key in keys if key[1] != entry.id]
    return bisect.bisect_left(keys, (entry.date, entry.id)) + 1, len(keys) + 1


def number_label(entry: EntrySummary, catalog: Catalog) -> str:
    number, total = entry_number(entry, catalog)
    width = max(2, len(str(total)))
    return f"ENTRY {number:0{width}d}/{total:0{width}d}"


def reading_label(entry: EntrySummary) -> str:
    return f"{reading_minutes(entry.words, entry.reading_minutes)} min read"


def more_field_notes(entry: EntrySummary, catalog: Catalog) -> list[EntrySummary]:
    """Up to six other finished entries: the same category first, then the most recent."""
    same: list[EntrySummary] = []
    if entry.category:
        for other in catalog.newest:
            if other.category == entry.category and other.id != entry.id:
                same.append(other)
                if len(same) == MORE_LINKS:
                    return same
    picked = {e.id for e in same}
    for other in catalog.newest:
        if len(same) == MORE_LINKS:
            break
        if other.id != entry.id and other.id not in picked:
            same.append(other)
    return same


def author_line(site: SiteProfile) -> str:
    return SEPARATOR.join(p for p in (site.role.strip(), site.location.strip()) if p)


def initials(name: str) -> str:
    """`Ada King Lovelace` → `AL`: first and last word, as a monogram."""
    words = [w for w in name.split() if w[:1].isalpha()]
    if not words:
        return ""
    picked = words[:1] + words[1:][-1:]
    return "".join(w[0] for w in picked).upper()


def entry_path(slug: str) -> str:
    return f"{slug}/"


def build_page_context(
    entry: EntrySummary, catalog: Catalog, now_html: str, link: Linker
) -> EntryPageContext:
    """The page context of `entry`; `link` turns site paths into hrefs for where it is shown."""
    site = catalog.site
    category_slug = catalog.category_slugs.get(entry.category)
    more = [
        Link(e.title or "Untitled", link(entry_path(e.slug)), date_label(e.date))
        for e in more_field_notes(entry, catalog)
    ]
    tags = [
        Link(t, link(f"tag/{catalog.tag_slugs[t]}/") if t in catalog.tag_slugs else None)
        for t in entry.tags
    ]
    return EntryPageContext(
        site=site,
        entry=entry,
        volume_label=volume_label(entry.volume),
        site_label=(site.title.strip() or "Field Notes").upper(),
        number_label=number_label(entry, catalog),
        is_draft=entry.status == DRAFT,
        elevation_label=elevation_label(entry.elevation_m),
        category=entry.category,
        category_href=link(f"category/{category_slug}/") if category_slug else None,
        date_label=date_label(entry.date),
        date_iso=entry.date.isoformat(),
        reading_label=reading_label(entry),
        title=entry.title or "Untitled",
        tags=tuple(tags),
        author_name=site.author.strip(),
        author_initials=initials(site.author),
        author_line=author_line(site),
        now_html=now_html,
        now_href=link("now/"),
        home_href=link(""),
        more=tuple(more),
    )
