"""What an entry page shows besides its body, computed from records alone (no database, no Qt)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
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


Number = tuple[int, int]  # (the entry's place in its volume, the volume's total)


@dataclass(frozen=True, slots=True)
class Surroundings:
    """Where an entry stands among the finished ones: its number, and the entries it points on to."""

    number: Number | None
    more: tuple[EntrySummary, ...]


@dataclass(frozen=True, slots=True)
class Catalog:
    """The site, its archive folders, and (for an export) the finished entries pages draw from."""

    site: SiteProfile
    category_slugs: dict[str, str]
    tag_slugs: dict[str, str]
    # Derived once per export, so each of ten thousand pages costs a few lookups, not a scan.
    newest: tuple[EntrySummary, ...] = ()
    newest_by_category: dict[str, tuple[EntrySummary, ...]] = field(default_factory=dict)
    numbers: dict[int, Number] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        site: SiteProfile,
        finished: Sequence[EntrySummary],
        category_slugs: dict[str, str],
        tag_slugs: dict[str, str],
    ) -> Catalog:
        newest = tuple(sorted((e for e in finished if e.status == FINISHED), key=_order, reverse=True))
        by_category: dict[str, list[EntrySummary]] = {}
        by_volume: dict[int, list[EntrySummary]] = {}
        for e in newest:
            by_category.setdefault(e.category, []).append(e)
            if e.volume is not None:
                by_volume.setdefault(e.volume, []).append(e)
        numbers = {
            e.id: (len(members) - i, len(members))
            for members in by_volume.values()
            for i, e in enumerate(members)
        }
        return cls(
            site,
            category_slugs,
            tag_slugs,
            newest,
            {name: tuple(members) for name, members in by_category.items() if name},
            numbers,
        )

    def surroundings(self, entry: EntrySummary) -> Surroundings:
        """As the export shows it: only finished entries are numbered (DESIGN §2), drafts are not."""
        same = self.newest_by_category.get(entry.category, ()) if entry.category else ()
        return Surroundings(self.numbers.get(entry.id), tuple(more_field_notes(entry.id, same, self.newest)))


def _order(entry: EntrySummary) -> tuple[dt.date | None, int]:
    """Entries of one day keep the order they were created in, so numbers never swap between exports."""
    return entry.date, entry.id


def counted(n: int, one: str, many: str | None = None) -> str:
    """`1 entry`, `3 entries`: the count and the noun that agrees with it."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


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


def number_label(number: Number | None) -> str | None:
    """`ENTRY 05/23`; the width grows past 99 so numbers still line up."""
    if number is None:
        return None
    width = max(2, len(str(number[1])))
    return f"ENTRY {number[0]:0{width}d}/{number[1]:0{width}d}"


def reading_label(entry: EntrySummary) -> str:
    return f"{reading_minutes(entry.words, entry.reading_minutes)} min read"


def more_field_notes(
    entry_id: int, same_category: Iterable[EntrySummary], newest: Iterable[EntrySummary]
) -> list[EntrySummary]:
    """Up to six other finished entries: the same category first, then the most recent.

    Both sources are newest first and read only as far as needed, so whole lists cost no more
    than the few rows a database query would return.
    """
    picked: list[EntrySummary] = []
    seen = {entry_id}
    for source in (same_category, newest):
        for other in source:
            if len(picked) == MORE_LINKS:
                return picked
            if other.id not in seen:
                seen.add(other.id)
                picked.append(other)
    return picked


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
    entry: EntrySummary, catalog: Catalog, around: Surroundings, now_html: str, link: Linker
) -> EntryPageContext:
    """The page context of `entry`; `link` turns site paths into hrefs for where it is shown."""
    site = catalog.site
    category_slug = catalog.category_slugs.get(entry.category)
    more = [Link(e.title or "Untitled", link(entry_path(e.slug)), date_label(e.date)) for e in around.more]
    tags = [
        Link(t, link(f"tag/{catalog.tag_slugs[t]}/") if t in catalog.tag_slugs else None)
        for t in entry.tags
    ]
    return EntryPageContext(
        site=site,
        entry=entry,
        volume_label=volume_label(entry.volume),
        site_label=(site.title.strip() or "Field Notes").upper(),
        # Without a volume there is nothing to count within: "ENTRY 01/01" would be noise.
        number_label=number_label(around.number) if entry.volume is not None else None,
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
