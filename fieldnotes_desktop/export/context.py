"""What an entry page shows besides its body, computed from records alone (no database, no Qt)."""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from fieldnotes_desktop.records import DRAFT, FINISHED, Entry, EntrySummary, SiteProfile
from fieldnotes_desktop.render import reading_minutes
from fieldnotes_desktop.render.typography import Typography, site_typography

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
class PageExtras:
    """What an entry may hold beyond its summary that its page's head tells link previews."""

    cover: str = ""  # a stored image's name, or an address
    author: str = ""  # the entry's own author, when not the site's
    published_time: str = ""  # "07:30:00+01:00", or "" when only the day is known


NO_EXTRAS = PageExtras()


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
    extras: PageExtras = NO_EXTRAS

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
    # Derived once per export, so each of ten thousand pages costs a few lookups, not a scan;
    # only as many of the newest as "More field notes" can reach are kept.
    newest: tuple[EntrySummary, ...] = ()
    newest_by_category: dict[str, tuple[EntrySummary, ...]] = field(default_factory=dict)
    numbers: Mapping[int, Number] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        site: SiteProfile,
        finished: Iterable[EntrySummary],
        category_slugs: dict[str, str],
        tag_slugs: dict[str, str],
    ) -> Catalog:
        """In one pass over `finished`, holding a few entries per category and 13 bytes per entry."""
        # `more_field_notes` skips the entry itself and up to MORE_LINKS same-category picks.
        overall = _Newest(2 * MORE_LINKS + 1)
        by_category: dict[str, _Newest] = {}

        def counted_in() -> Iterator[EntrySummary]:
            for e in finished:
                if e.status != FINISHED:
                    continue
                overall.offer(e)
                if e.category:
                    by_category.setdefault(e.category, _Newest(MORE_LINKS + 1)).offer(e)
                yield e

        numbers = Numbers(counted_in())
        return cls(
            site,
            category_slugs,
            tag_slugs,
            overall.entries(),
            {name: kept.entries() for name, kept in by_category.items()},
            numbers,
        )

    def surroundings(self, entry: EntrySummary) -> Surroundings:
        """As the export shows it: only finished entries are numbered (DESIGN §2), drafts are not."""
        same = self.newest_by_category.get(entry.category, ()) if entry.category else ()
        return Surroundings(self.numbers.get(entry.id), tuple(more_field_notes(entry.id, same, self.newest)))


def _order(entry: EntrySummary) -> tuple[dt.date | None, int]:
    """Entries of one day keep the order they were created in, so numbers never swap between exports."""
    return entry.date, entry.id


class _Newest:
    """The `size` newest entries offered, by `_order`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._heap: list[tuple[tuple[dt.date | None, int], EntrySummary]] = []

    def offer(self, entry: EntrySummary) -> None:
        item = (_order(entry), entry)  # ids are unique: entries themselves are never compared
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, item)
        elif item[0] > self._heap[0][0]:
            heapq.heapreplace(self._heap, item)

    def entries(self) -> tuple[EntrySummary, ...]:
        return tuple(entry for _key, entry in sorted(self._heap, key=lambda item: item[0], reverse=True))


class Numbers(Mapping[int, Number]):
    """Entry id → its number in its volume, counted from the oldest, and the volume's size.

    Kept in arrays (13 bytes an entry) rather than a dictionary of tuples (~150): an export of
    100,000 entries numbers them all.
    """

    def __init__(self, entries: Iterable[EntrySummary]) -> None:
        keys = [(e.volume, e.date.toordinal(), e.id) for e in entries if e.volume is not None]
        keys.sort()
        totals: dict[int, int] = {}
        places = array("I")
        for volume, _day, _id in keys:
            totals[volume] = totals.get(volume, 0) + 1
            places.append(totals[volume])
        by_id = sorted(range(len(keys)), key=lambda i: keys[i][2])
        self._ids = array("q", (keys[i][2] for i in by_id))
        self._places = array("I", (places[i] for i in by_id))
        self._volumes = array("H", (keys[i][0] for i in by_id))
        self._totals = totals

    def __getitem__(self, entry_id: int) -> Number:
        at = bisect.bisect_left(self._ids, entry_id)
        if at == len(self._ids) or self._ids[at] != entry_id:
            raise KeyError(entry_id)
        return self._places[at], self._totals[self._volumes[at]]

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


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


def shown_title(entry: EntrySummary, typography: Typography) -> str:
    """An entry's title wherever a page shows it: with the body's typography, "Untitled" for none."""
    from fieldnotes_desktop.render import typeset_text  # markdown-it, once a page is made

    return typeset_text(entry.title or "Untitled", typography)


def shown_summary(entry: EntrySummary, typography: Typography) -> str:
    """An entry's own summary as the lists, the feed and its page's description show it ("" for none)."""
    from fieldnotes_desktop.render import typeset_text

    return typeset_text(entry.summary.strip(), typography)


def entry_path(slug: str) -> str:
    return f"{slug}/"


def build_page_context(
    entry: EntrySummary,
    catalog: Catalog,
    around: Surroundings,
    now_html: str,
    link: Linker,
    extras: PageExtras | None = None,
) -> EntryPageContext:
    """The page context of `entry`; `link` turns site paths into hrefs for where it is shown.

    `extras`: the entry's cover, author and time, when read apart from it (None: a whole `Entry`'s own).
    """
    site = catalog.site
    if extras is None:
        extras = entry_extras(entry)
    typography = site_typography(site)
    category_slug = catalog.category_slugs.get(entry.category)
    more = [Link(shown_title(e, typography), link(entry_path(e.slug)), date_label(e.date)) for e in around.more]
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
        title=shown_title(entry, typography),
        tags=tuple(tags),
        author_name=site.author.strip(),
        author_initials=initials(site.author),
        author_line=author_line(site),
        now_html=now_html,
        now_href=link("now/"),
        home_href=link(""),
        more=tuple(more),
        extras=extras,
    )


def entry_extras(entry: EntrySummary) -> PageExtras:
    """The extras a whole entry carries (a summary carries none)."""
    if not isinstance(entry, Entry) or not (entry.cover or entry.author or entry.published_time):
        return NO_EXTRAS
    return PageExtras(entry.cover.strip(), entry.author.strip(), entry.published_time.strip())
