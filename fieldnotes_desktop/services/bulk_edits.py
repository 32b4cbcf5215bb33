"""Bulk edits: one change (a status, a category, a volume, a tag, the trash) to many entries in one
transaction, and its undo, which puts back each entry's previous value unless someone changed it since.

A bulk edit changes no text, so it keeps no revision; it raises the version of every entry it
changes (and only those), so a save based on an older version is refused as ever.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from fieldnotes_desktop.errors import ValidationError
from fieldnotes_desktop.services.clock import Clock, utc_now
# The one check of entry values, shared with single edits so the two refuse alike.
from fieldnotes_desktop.services.entries import _checked as checked_fields
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import bulk_changes as bulk
from fieldnotes_desktop.store import repository as repo

from fieldnotes_desktop.services.bulk_records import TAG_KINDS, BulkChange, BulkEdit, BulkKind, BulkUndo, Previous

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class BulkEditService:
    """Each method is one transaction; what comes out is frozen records."""

    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock

    def apply(self, entry_ids: Sequence[int], change: BulkChange) -> BulkEdit:
        """Makes `change` to those of `entry_ids` that do not hold it yet (gone ones are skipped)."""
        value = _checked(change)
        change = BulkChange(change.kind, value)
        wanted = list(dict.fromkeys(entry_ids))
        with self._store.transaction() as s:
            now = repo.aware(self._clock())
            # First: the claim takes the write lock, so what is read next stays true.
            versions = _claim(s, wanted, change)
            ids = [i for i in wanted if i in versions]
            before: dict[int, bulk.Stored]
            if change.kind in TAG_KINDS:
                before = {i: (change.kind is BulkKind.REMOVE_TAG, moment)
                          for i, moment in bulk.updated_moments(s, ids).items()}
                (bulk.add_tag if change.kind is BulkKind.ADD_TAG else bulk.remove_tag)(s, ids, str(value), now=now)
            else:
                column = _column(change)
                before = bulk.stored_values(s, ids, column)
                moment = now if change.kind is BulkKind.TRASH else value
                bulk.set_value(s, ids, column, moment, now=None if column == "trashed_at" else now)
            summaries = repo.summaries_by_id(s, ids)
        previous = tuple(Previous(i, versions[i], *before[i]) for i in ids)
        return BulkEdit(change, len(wanted), tuple(summaries[i] for i in ids), previous)

    def undo(self, edit: BulkEdit, versions: Mapping[int, int] | None = None) -> BulkUndo:
        """Puts back each changed entry's previous value, in one transaction, for the entries still
        at the version the edit left them at; the others were changed since and are left alone.

        `versions` (id → version) names later versions the caller made itself and knows kept the
        change (an open entry's text saved since): those do not count as changed by someone else.
        """
        expected = {p.entry_id: p.version for p in edit.previous}
        expected.update((i, v) for i, v in (versions or {}).items() if i in expected)
        previous = {p.entry_id: p for p in edit.previous}
        with self._store.transaction() as s:
            claimed = bulk.claim_at(s, expected)
            ids = [p.entry_id for p in edit.previous if p.entry_id in claimed]
            kind = edit.change.kind
            if kind in TAG_KINDS:
                tag, now = str(edit.change.value), repo.aware(self._clock())
                (bulk.remove_tag if kind is BulkKind.ADD_TAG else bulk.add_tag)(s, ids, tag, now=now)
                bulk.put_back_updated(s, {i: previous[i].updated_at for i in ids})
            else:
                bulk.put_back(s, _column(edit.change), {i: (previous[i].value, previous[i].updated_at) for i in ids})
            left = [i for i in expected if i not in claimed]
            found = repo.summaries_by_id(s, ids + left)
        return BulkUndo(
            edit,
            tuple(found[i] for i in ids),
            tuple(found[i] for i in left if i in found),
            gone=sum(1 for i in left if i not in found),
        )


def _claim(s: Session, ids: list[int], change: BulkChange) -> dict[int, int]:
    """Claims the entries `change` would alter: those lacking the tag to add, out of the trash to trash…"""
    if change.kind in TAG_KINDS:
        return bulk.claim_tagged(s, ids, str(change.value), tagged=change.kind is BulkKind.REMOVE_TAG)
    if change.kind in (BulkKind.TRASH, BulkKind.RESTORE):
        return bulk.claim_trashed(s, ids, trashed=change.kind is BulkKind.RESTORE)
    return bulk.claim_unlike(s, ids, _column(change), change.value)


def _column(change: BulkChange) -> bulk.Column:
    return _COLUMN_OF[change.kind]  # a KeyError for the tag kinds: a programming error


_COLUMN_OF: dict[BulkKind, bulk.Column] = {
    BulkKind.STATUS: "status",
    BulkKind.CATEGORY: "category",
    BulkKind.VOLUME: "volume",
    BulkKind.TRASH: "trashed_at",
    BulkKind.RESTORE: "trashed_at",
}


def _checked(change: BulkChange) -> str | int | None:
    """The change's value as stored, or a ValidationError the writer can act on."""
    kind, value = change.kind, change.value
    if kind in (BulkKind.TRASH, BulkKind.RESTORE):
        return None
    if kind in TAG_KINDS:
        name = str(value or "").strip()
        if not name or "," in name:
            raise ValidationError("A tag is one name without commas, such as “alps”.", field="tags")
        return name
    checked = checked_fields({change.field: value})[change.field]
    return checked if checked is None or isinstance(checked, (str, int)) else str(checked)
