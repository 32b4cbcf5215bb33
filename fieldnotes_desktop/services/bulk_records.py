"""What a bulk edit is and what it did, without the store: the window builds its menus and
notices from these before the database is open (and without SQLAlchemy, which the first screen
does without)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from fieldnotes_desktop.records import EntrySummary


class BulkKind(enum.StrEnum):
    STATUS = "status"
    CATEGORY = "category"
    VOLUME = "volume"
    ADD_TAG = "add_tag"
    REMOVE_TAG = "remove_tag"
    TRASH = "trash"
    RESTORE = "restore"


# The entry field each kind changes, as `EntrySummary` names it.
FIELD_OF = {
    BulkKind.STATUS: "status",
    BulkKind.CATEGORY: "category",
    BulkKind.VOLUME: "volume",
    BulkKind.ADD_TAG: "tags",
    BulkKind.REMOVE_TAG: "tags",
    BulkKind.TRASH: "trashed_at",
    BulkKind.RESTORE: "trashed_at",
}
TAG_KINDS = (BulkKind.ADD_TAG, BulkKind.REMOVE_TAG)


@dataclass(frozen=True, slots=True)
class BulkChange:
    """One change for many entries: a status, a category ("" clears it), a volume (None clears
    it), a tag's name to add or remove; the trash kinds take no value."""

    kind: BulkKind
    value: str | int | None = None

    @property
    def field(self) -> str:
        return FIELD_OF[self.kind]

    def holds(self, summary: EntrySummary) -> bool:
        """Whether `summary` has what this change gives (Finished, the tag, the trash…)."""
        if self.kind is BulkKind.ADD_TAG:
            return self.value in summary.tags
        if self.kind is BulkKind.REMOVE_TAG:
            return self.value not in summary.tags
        if self.kind is BulkKind.TRASH:
            return summary.trashed
        if self.kind is BulkKind.RESTORE:
            return not summary.trashed
        return bool(getattr(summary, self.field) == self.value)


@dataclass(frozen=True, slots=True)
class Previous:
    """An entry as a bulk change found it: the value replaced, its updated_at, and the version
    the change left it at (an undo puts the value back only while the entry is still at it)."""

    entry_id: int
    version: int
    value: object
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class BulkEdit:
    """What one bulk change did: the entries it changed as stored now, and what they were before."""

    change: BulkChange
    asked: int  # entries chosen; those that already held the change were left alone
    entries: tuple[EntrySummary, ...]
    previous: tuple[Previous, ...]


@dataclass(frozen=True, slots=True)
class BulkUndo:
    """What an undo put back, and the entries it left as they are because they changed since."""

    edit: BulkEdit
    entries: tuple[EntrySummary, ...]
    refused: tuple[EntrySummary, ...]  # changed since (those deleted for good are not listed)
    gone: int = 0  # deleted for good since

    def refusal(self) -> str:
        """One sentence on what was left as it is, or "" when everything was put back."""
        left = len(self.refused) + self.gone
        if not left:
            return ""
        if len(self.refused) == 1 and not self.gone:
            title = self.refused[0].title.strip() or "Untitled"
            return f"“{title}” was changed since, so it was left as it is."
        if left == 1:
            return "One entry was deleted for good since, so it could not be put back."
        return f"{left} entries were changed or deleted since, so they were left as they are."
