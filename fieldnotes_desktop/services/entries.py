"""Entry use cases: create, change, trash, list, search, and the revision history."""

from __future__ import annotations

import datetime as dt
import uuid
from sqlalchemy.orm import Session

from fieldnotes_desktop.errors import NotFoundError, ValidationError
from fieldnotes_desktop.records import (
    DRAFT,
    REVISION_REASONS,
    STATUSES,
    Entry,
    EntryFields,
    EntryFilter,
    EntrySummary,
    Revision,
    SearchHit,
)
from fieldnotes_desktop.render import count_words
from fieldnotes_desktop.services.clock import Clock, utc_now
from fieldnotes_desktop.services.slugs import RESERVED_SLUGS, slugify, unique_slug
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import repository as repo
from fieldnotes_desktop.store.models import EntryRow, RevisionRow

REVISION_INTERVAL = dt.timedelta(minutes=10)


class EntryService:
    """Every method is one transaction; what comes out is a frozen record."""

    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock

    # -- reading ---------------------------------------------------------------------------

    def get(self, entry_id: int) -> Entry:
        with self._store.transaction() as s:
            return repo.to_entry(repo.get_row(s, entry_id))

    def get_by_slug(self, slug: str) -> Entry:
        with self._store.transaction() as s:
            return repo.to_entry(repo.get_row_by_slug(s, slug))

    def list_summaries(
        self, entry_filter: EntryFilter = EntryFilter(), limit: int | None = None, offset: int = 0
    ) -> list[EntrySummary]:
        with self._store.transaction() as s:
            return [repo.to_summary(r) for r in repo.list_rows(s, entry_filter, limit, offset)]

    def count(self, entry_filter: EntryFilter = EntryFilter()) -> int:
        with self._store.transaction() as s:
            return repo.count_rows(s, entry_filter)

    def search(self, query: str, limit: int = 50, include_trashed: bool = False) -> list[SearchHit]:
        if not query.strip():
            return []
        with self._store.transaction() as s:
            return repo.search_rows(s, query, limit, include_trashed)

    def categories(self) -> list[str]:
        with self._store.transaction() as s:
            return [str(v) for v in repo.distinct_values(s, "category")]

    def volumes(self) -> list[int]:
        with self._store.transaction() as s:
            return [int(v) for v in repo.distinct_values(s, "volume")]

    def tags(self) -> list[str]:
        with self._store.transaction() as s:
            return repo.tag_names(s)

    def revisions(self, entry_id: int) -> list[Revision]:
        with self._store.transaction() as s:
            repo.get_row(s, entry_id)
            return repo.revisions_of(s, entry_id)

    # -- writing ---------------------------------------------------------------------------

    def create(self, fields: EntryFields = EntryFields(), *, reason: str | None = None) -> Entry:
        with self._store.transaction() as s:
            row = self.create_in(s, fields, reason=reason)
            return repo.to_entry(row)

    def create_in(
        self, session: Session, fields: EntryFields, *, reason: str | None = None
    ) -> EntryRow:
        """Adds an entry inside a transaction the caller already holds (import uses it)."""
        now = self._now()
        values = fields.given()
        title = str(values.get("title", "") or "")
        row = EntryRow(
            uuid=str(uuid.uuid4()),
            title=title,
            body="",
            summary="",
            category="",
            status=DRAFT,
            date=self._today(),
            created_at=now,
            updated_at=now,
            words=0,
        )
        wanted_slug = str(values.pop("slug", None) or title or "untitled")
        row.slug = unique_slug(
            wanted_slug, lambda c: c in RESERVED_SLUGS or repo.slug_taken(session, c)
        )
        self._apply(session, row, values)
        session.add(row)
        session.flush()
        if reason:
            self._record_revision(session, row, reason, now)
        return row

    def update(self, entry_id: int, fields: EntryFields, *, snapshot: str | None = None) -> Entry:
        """Changes an entry. A body change keeps the text it replaces as a revision when the last
        revision is over ten minutes old; `snapshot` records the new state under that reason."""
        with self._store.transaction() as s:
            row = repo.get_row(s, entry_id)
            now = self._now()
            values = fields.given()
            changes_anything = bool(values)  # before "slug" is taken out of `values` below
            body_changes = "body" in values and values["body"] != row.body
            title_changes = "title" in values and values["title"] != row.title
            if body_changes or title_changes:
                self._keep_replaced_text(s, row, now)
            if "slug" in values:
                title = values.get("title", row.title)
                slug = slugify(str(values.pop("slug") or title or "untitled"))
                if slug in RESERVED_SLUGS:
                    raise ValidationError(
                        f"“{slug}” names a folder of the exported site; choose another slug."
                    )
                if slug != row.slug and repo.slug_taken(s, slug, except_id=row.id):
                    raise ValidationError(
                        f"The slug “{slug}” is already used by another entry; choose another."
                    )
                row.slug = slug
            self._apply(s, row, values)
            if changes_anything:
                row.updated_at = now
            if snapshot:
                self._record_revision(s, row, snapshot, now)
            s.flush()
            return repo.to_entry(row)

    def duplicate(self, entry_id: int) -> Entry:
        with self._store.transaction() as s:
            source = repo.get_row(s, entry_id)
            copy = self.create_in(
                s,
                EntryFields(
                    title=f"{source.title} (copy)" if source.title else "Untitled (copy)",
                    body=source.body,
                    summary=source.summary,
                    category=source.category,
                    status=DRAFT,
                    date=source.date,
                    volume=source.volume,
                    elevation_m=source.elevation_m,
                    reading_minutes=source.reading_minutes,
                    tags=tuple(t.name for t in source.tags),
                ),
            )
            return repo.to_entry(copy)

    def trash(self, entry_id: int) -> EntrySummary:
        with self._store.transaction() as s:
            row = repo.get_row(s, entry_id)
            row.trashed_at = self._now()
            return repo.to_summary(row)

    def restore(self, entry_id: int) -> EntrySummary:
        with self._store.transaction() as s:
            row = repo.get_row(s, entry_id)
            row.trashed_at = None
            return repo.to_summary(row)

    def empty_trash(self) -> int:
        """Deletes trashed entries for good, with their revisions; returns how many."""
        with self._store.transaction() as s:
            return repo.delete_trashed(s)

    def restore_revision(self, revision_id: int) -> Entry:
        """Puts a revision's text back; the text it replaces and the restore are both kept."""
        with self._store.transaction() as s:
            revision = s.get(RevisionRow, revision_id)
            if revision is None:
                raise NotFoundError(f"Revision {revision_id} no longer exists; its entry may have been deleted.")
            row = repo.get_row(s, revision.entry_id)
            now = self._now()
            self._keep_replaced_text(s, row, now, always=True)
            row.title, row.body = revision.title, revision.body
            row.words = count_words(row.body)
            row.updated_at = now
            self._record_revision(s, row, "restore", now)
            s.flush()
            return repo.to_entry(row)

    def snapshot(self, entry_id: int, reason: str) -> Revision:
        with self._store.transaction() as s:
            row = repo.get_row(s, entry_id)
            return repo.to_revision(self._record_revision(s, row, reason, self._now()))

    # -- helpers ---------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return repo.naive_utc(self._clock())

    def _today(self) -> dt.date:
        """The writer's calendar date: a new entry written on a Monday evening in California is
        dated Monday, although it is already Tuesday in UTC."""
        return self._clock().astimezone().date()

    def _apply(self, session: Session, row: EntryRow, values: dict[str, object]) -> None:
        for name, value in values.items():
            if name == "tags":
                # given() hands values out as object; EntryFields types tags as tuple[str, ...].
                row.tags = repo.tags_for(session, value)  # type: ignore[arg-type]
            elif name == "status":
                if value not in STATUSES:
                    raise ValidationError(
                        f"“{value}” is not a status; use one of: {', '.join(STATUSES)}."
                    )
                row.status = str(value)
            elif name == "date":
                if not isinstance(value, dt.date):
                    raise ValidationError("An entry needs a date, such as 2025-01-19.")
                row.date = value
            elif name in ("volume", "elevation_m", "reading_minutes"):
                setattr(row, name, _optional_int(name, value))
            elif name == "body":
                row.body = str(value)
                row.words = count_words(row.body)
            else:
                text = "" if value is None else str(value)
                setattr(row, name, text if name == "title" else text.strip())

    def _keep_replaced_text(
        self, session: Session, row: EntryRow, now: dt.datetime, always: bool = False
    ) -> None:
        """Keeps the text about to be replaced, at most once per ten minutes of editing."""
        if row.id is None:
            return
        latest = repo.latest_revision(session, row.id)
        if latest is not None and (latest.title, latest.body) == (row.title, row.body):
            return
        if latest is None and not row.body.strip():
            return  # a brand-new empty entry has nothing worth keeping
        if always or latest is None or now - latest.created_at >= REVISION_INTERVAL:
            self._record_revision(session, row, "autosave", now)

    def _record_revision(
        self, session: Session, row: EntryRow, reason: str, now: dt.datetime
    ) -> RevisionRow:
        if reason not in REVISION_REASONS:
            raise ValueError(f"unknown revision reason {reason!r}")  # a programming error
        if reason == "manual":
            # Ctrl+S pressed again on unchanged text keeps the one copy, not one per press.
            latest = repo.latest_revision(session, row.id)
            if latest is not None and (latest.reason, latest.title, latest.body) == (
                reason, row.title, row.body
            ):
                return latest
        revision = RevisionRow(
            entry_id=row.id, title=row.title, body=row.body, reason=reason, words=row.words,
            created_at=now,
        )
        session.add(revision)
        session.flush()
        return revision


_LIMITS = {
    "volume": (0, 99, "A volume is a number from 0 to 99."),
    "elevation_m": (-11000, 9000, "An elevation is a whole number of metres, such as 8200."),
    "reading_minutes": (1, 999, "A reading time is a whole number of minutes from 1 to 999."),
}


def _optional_int(name: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    low, high, message = _LIMITS[name]
    try:
        number = int(str(value).replace(",", "").strip())
    except ValueError:
        raise ValidationError(message) from None
    if not low <= number <= high:
        raise ValidationError(message)
    return number

