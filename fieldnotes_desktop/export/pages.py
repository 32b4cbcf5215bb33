"""The shared page furniture (stylesheets, site links) and the entry lists of index and archives."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar, overload

from markupsafe import Markup

from fieldnotes_desktop.export.context import (
    Linker,
    counted,
    date_label,
    elevation_label,
    entry_path,
    shown_summary,
    shown_title,
    volume_label,
)
from fieldnotes_desktop.export.shelf import Picked, newest_first
from fieldnotes_desktop.records import DRAFT, EntrySummary
from fieldnotes_desktop.render.typography import Typography

SITE_CSS = "assets/site.css"
PYGMENTS_CSS = "assets/pygments.css"
FEED = "feed.xml"
_Row = TypeVar("_Row")


@dataclass(frozen=True, slots=True)
class PageChrome:
    """What every page carries around its content: its CSS and the site's links."""

    inline_css: Markup | None
    stylesheets: tuple[str, ...]
    home_href: str | None
    now_href: str | None
    feed_href: str | None


def linked_chrome(link: Linker) -> PageChrome:
    """Chrome of a page in the exported folder: stylesheets linked, site links relative."""
    return PageChrome(
        inline_css=None,
        stylesheets=tuple(h for h in (link(SITE_CSS), link(PYGMENTS_CSS)) if h),
        home_href=link(""),
        now_href=link("now/"),
        feed_href=link(FEED),
    )


def inline_chrome(css: str, link: Linker) -> PageChrome:
    """Chrome of a page that must stand alone (the preview, a single-file export)."""
    return PageChrome(
        inline_css=Markup(css.replace("</", "<\\/")),  # a stylesheet cannot close its <style>
        stylesheets=(),
        home_href=link(""),
        now_href=link("now/"),
        feed_href=link(FEED),
    )


@dataclass(frozen=True, slots=True)
class ListItem:
    """One entry in the index or an archive."""

    title: str
    href: str | None
    date_label: str
    date_iso: str
    category: str
    category_href: str | None
    elevation_label: str | None
    summary: str
    is_draft: bool


@dataclass(frozen=True, slots=True)
class VolumeGroup:
    label: str
    anchor: str
    count_label: str
    entries: Sequence[ListItem]  # a `ListItems`: made as the page is written


class LazyRows(Sequence[_Row]):
    """A page's rows made one at a time from the entries they show, each time they are read.

    The index of 100,000 entries held as rows weighed about 1 KB an entry at its peak; made
    as the template (or the page's digest) reaches them, only the one in hand is held. Reads
    as the tuple (or list) it stands for: same length, items, equality and `repr`.
    """

    is_list = False  # digested and shown as a list rather than a tuple

    def __init__(self, entries: Sequence[EntrySummary]) -> None:
        self._entries = entries

    def row(self, entry: EntrySummary) -> _Row:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> _Row: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[_Row]: ...

    def __getitem__(self, index: int | slice) -> _Row | Sequence[_Row]:
        if isinstance(index, slice):
            rows = [self.row(e) for e in self._entries[index]]
            return rows if self.is_list else tuple(rows)
        return self.row(self._entries[index])

    def __iter__(self) -> Iterator[_Row]:
        return map(self.row, self._entries)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRows):
            return self.is_list == other.is_list and list(self) == list(other)
        if isinstance(other, (list, tuple)):
            return isinstance(other, list) == self.is_list and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a list or tuple: not hashable by identity

    def __repr__(self) -> str:
        return repr(self[:])


class ListItems(LazyRows[ListItem]):
    """The `ListItem`s of entries, newest first, as the index and archives list them."""

    def __init__(
        self,
        entries: Sequence[EntrySummary],
        link: Linker,
        category_slugs: Mapping[str, str],
        summaries: Mapping[int, str],
        typography: Typography,
    ) -> None:
        super().__init__(newest_first(entries))
        self._link, self._slugs, self._summaries = link, category_slugs, summaries
        self._typography = typography

    def row(self, entry: EntrySummary) -> ListItem:
        slug = self._slugs.get(entry.category)
        link = self._link
        return ListItem(
            title=shown_title(entry, self._typography),
            href=link(entry_path(entry.slug)),
            date_label=date_label(entry.date),
            date_iso=entry.date.isoformat(),
            category=entry.category,
            category_href=link(f"category/{slug}/") if slug else None,
            elevation_label=elevation_label(entry.elevation_m),
            summary=shown_summary(entry, self._typography) or self._summaries.get(entry.id, ""),
            is_draft=entry.status == DRAFT,
        )


def list_items(
    entries: Sequence[EntrySummary],
    link: Linker,
    category_slugs: Mapping[str, str],
    summaries: Mapping[int, str],
    typography: Typography,
) -> ListItems:
    return ListItems(entries, link, category_slugs, summaries, typography)


def volume_groups(
    entries: Sequence[EntrySummary],
    link: Linker,
    category_slugs: Mapping[str, str],
    summaries: Mapping[int, str],
    typography: Typography,
) -> tuple[VolumeGroup, ...]:
    """Entries by volume, the newest volume first; entries without a volume come last."""
    base = entries.entries if isinstance(entries, Picked) else entries
    numbered = zip(entries.positions, entries) if isinstance(entries, Picked) else enumerate(entries)
    by_volume: dict[int | None, Picked] = {}
    for position, entry in numbered:
        by_volume.setdefault(entry.volume, Picked(base)).append(position)
    order = sorted(by_volume, key=lambda v: (v is None, -(v or 0)))
    groups = []
    for volume in order:
        members = by_volume[volume]
        groups.append(
            VolumeGroup(
                label=volume_label(volume) or "Unbound notes",
                anchor=f"vol-{volume:02d}" if volume is not None else "vol-none",
                count_label=counted(len(members), "entry", "entries"),
                entries=list_items(members, link, category_slugs, summaries, typography),
            )
        )
    return tuple(groups)
