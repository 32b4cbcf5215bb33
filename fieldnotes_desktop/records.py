"""Frozen value objects that cross layers and threads instead of live ORM objects."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

DRAFT = "draft"
FINISHED = "finished"
# Left out of the site like a draft until its moment (date and published_time) has passed; the
# next export then makes it finished (services/schedule.py).
SCHEDULED = "scheduled"
STATUSES = (DRAFT, SCHEDULED, FINISHED)

# "conflict": the text another writer had stored, kept when the writer chose to keep theirs over it.
REVISION_REASONS = ("autosave", "manual", "export", "restore", "import", "conflict")


@dataclass(frozen=True, slots=True)
class EntrySummary:
    """What a list of entries shows: everything but the body."""

    id: int
    uuid: str
    title: str
    slug: str
    status: str
    category: str
    date: dt.date  # never None: the column is NOT NULL and updates refuse an empty date
    volume: int | None
    elevation_m: int | None
    tags: tuple[str, ...]
    summary: str
    words: int
    reading_minutes: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    # Goes up by one with every change to the entry's row, by whoever makes it: a save based on
    # an older version is refused (EntryConflict), and a view holding one knows it is stale.
    version: int
    trashed_at: dt.datetime | None = None

    @property
    def trashed(self) -> bool:
        return self.trashed_at is not None


@dataclass(frozen=True, slots=True)
class Entry(EntrySummary):
    """One entry with its Markdown body."""

    body: str = ""
    language: str = ""  # "" writes in the site's language
    word_goal: int | None = None
    cover: str = ""  # a stored image's name, or an address
    author: str = ""
    aliases: tuple[str, ...] = ()  # earlier addresses elsewhere, each "/like/this/"
    published_time: str = ""  # "07:30:00+01:00", or "" when only the day is known

    def summary_record(self) -> EntrySummary:
        return EntrySummary(
            **{name: getattr(self, name) for name in EntrySummary.__dataclass_fields__}
        )


class Unset(enum.Enum):
    """Marks a field left as it is by an update (None is a value: it empties the field)."""

    UNSET = 0


UNSET = Unset.UNSET


@dataclass(frozen=True, slots=True)
class EntryFields:
    """Values for creating or changing an entry; fields left `UNSET` keep their value."""

    title: str | Unset = UNSET
    slug: str | Unset = UNSET
    body: str | Unset = UNSET
    summary: str | Unset = UNSET
    category: str | Unset = UNSET
    status: str | Unset = UNSET
    date: dt.date | None | Unset = UNSET
    volume: int | None | Unset = UNSET
    elevation_m: int | None | Unset = UNSET
    reading_minutes: int | None | Unset = UNSET
    tags: tuple[str, ...] | Unset = UNSET
    language: str | Unset = UNSET
    word_goal: int | None | Unset = UNSET
    cover: str | Unset = UNSET
    author: str | Unset = UNSET
    aliases: tuple[str, ...] | Unset = UNSET
    published_time: str | Unset = UNSET

    def given(self) -> dict[str, object]:
        """The fields that were set, by name."""
        return {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if getattr(self, name) is not UNSET
        }


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Which entries a list shows; empty fields filter nothing."""

    status: str | None = None
    category: str | None = None
    tag: str | None = None
    volume: int | None = None
    trashed: bool = False


@dataclass(frozen=True, slots=True)
class EntryChanges:
    """Which of the entries a view holds were changed or deleted for good since it read them."""

    changed: tuple[int, ...] = ()  # a newer version is stored: reload these
    removed: tuple[int, ...] = ()  # no longer in the database: drop these

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One full-text match: the entry, a snippet with the match marked, and its bm25 rank
    (lower is better), or None when there were too many matches to rank and the newest came first."""

    entry: EntrySummary
    snippet: str
    rank: float | None


@dataclass(frozen=True, slots=True)
class Revision:
    """A kept version of an entry's title and body."""

    id: int
    entry_id: int
    title: str
    body: str
    reason: str
    created_at: dt.datetime
    words: int
    author: str = ""  # the name of the writer whose save made it ("" before names were kept)


@dataclass(frozen=True, slots=True)
class Asset:
    """An image or file stored in the database, named by its content hash."""

    sha256: str
    filename: str
    mime: str
    size: int


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """The site-wide settings every exported page uses."""

    title: str = "Field Notes"
    author: str = ""
    role: str = ""
    location: str = ""
    now_md: str = ""
    base_url: str = ""
    language: str = "en"
    typography: str = "smart"  # or "plain" (`TYPOGRAPHY`)
    publish_to: str = ""  # the publish target: a folder, sftp://… or git+…#branch


@dataclass(frozen=True, slots=True)
class ImportNote:
    """One thing an import could not carry over faithfully, for the writer to look at."""

    file: str  # as the writer knows it: relative to the folder imported, or the file's name
    construct: str  # what was met: "{% include %}", "{{< gist >}}", "<iframe>", "image"
    line: int | None  # 1-based, in the source file; None when not known
    text: str  # one sentence: what was kept and what to do


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import stored (or, for a dry run, would store), and what it could not carry over."""

    created: tuple[EntrySummary, ...] = ()
    assets: int = 0
    skipped: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[ImportNote, ...] = ()


ERROR = "error"  # stops a publish unless it is forced
WARNING = "warning"  # worth a look; publishing goes ahead


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem the pre-publish checks found, where it is, and what to do about it."""

    level: str  # ERROR or WARNING
    code: str  # a short stable id: "broken-link", "link-to-draft", "alt-text", "missing-image", …
    slug: str  # the entry's slug, or "" for the site as a whole
    entry_id: int | None
    line: int | None  # 1-based, in the entry's body; None when the finding is not about a line
    message: str  # one sentence naming the thing and saying what to do
