"""Entry use cases: create, change, trash, list, search, and the revision history."""

from __future__ import annotations

import dataclasses
import re
import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from fieldnotes_desktop.errors import EntryConflict, ValidationError
from fieldnotes_desktop.records import (
    DRAFT,
    REVISION_REASONS,
    STATUSES,
    Entry,
    EntryChanges,
    EntryFields,
    EntryFilter,
    EntrySummary,
    Revision,
    SearchHit,
)
from fieldnotes_desktop.services.clock import Clock, utc_now
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import editing, searching, writing_aids
from fieldnotes_desktop.services.site import checked_language
from fieldnotes_desktop.store import repository as repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# `fieldnotes_desktop.render` loads markdown-it, Pygments and Jinja2 when first imported: only
# the writing methods need it (for word counts and slugs), so it is imported in them, and
# `fieldnotes search` or `list` never pays for it.

REVISION_INTERVAL = dt.timedelta(minutes=10)


class EntryService:
    """Every method is one transaction; what comes out is a frozen record."""

    def __init__(self, store: Store, clock: Clock = utc_now, author: str = "") -> None:
        self._store = store
        self._clock = clock
        self._author = author  # recorded with every revision this service makes

    # -- reading ---------------------------------------------------------------------------

    def get(self, entry_id: int) -> Entry:
        with self._store.transaction() as s:
            return repo.get_entry(s, entry_id)

    def get_by_slug(self, slug: str) -> Entry:
        with self._store.transaction() as s:
            return repo.get_entry_by_slug(s, slug)

    def list_summaries(
        self, entry_filter: EntryFilter = EntryFilter(), limit: int | None = None, offset: int = 0
    ) -> list[EntrySummary]:
        with self._store.transaction() as s:
            return repo.list_summaries(s, entry_filter, limit, offset)

    def stream_summaries(self, entry_filter: EntryFilter = EntryFilter()) -> Iterator[EntrySummary]:
        """What `list_summaries` returns, a batch at a time, from one consistent snapshot.

        The snapshot stays open until the iterator is exhausted or closed: for a reader that
        writes each summary out as it comes (`fieldnotes list --json`), not for the GUI thread.
        """
        with self._store.snapshot() as s:
            yield from repo.iter_summaries(s, entry_filter)

    def data_version(self) -> int:
        """Changes whenever another connection (another process, another thread) commits.

        Ask it always from the same thread, the one this desk writes on: that thread's own
        commits leave it as it was (see `Store.data_version`).
        """
        return self._store.data_version()

    def count(self, entry_filter: EntryFilter = EntryFilter()) -> int:
        with self._store.transaction() as s:
            return repo.count_rows(s, entry_filter)

    def search(self, query: str, limit: int = 50, include_trashed: bool = False) -> list[SearchHit]:
        if not query.strip():
            return []
        with self._store.transaction() as s:
            return searching.search(s, query, limit, include_trashed)

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
            return repo.revisions_of(s, entry_id)

    def changes_since(self, known: Mapping[int, int]) -> EntryChanges:
        """Which of the entries a view holds (id → the version it read) are stale or gone.

        For the app's poll once `Store.data_version()` says another connection committed: it
        asks about the entries on screen, by primary key, and reloads only those changed.
        """
        with self._store.transaction() as s:
            stored = repo.versions(s, known)
        return EntryChanges(
            changed=tuple(i for i, version in known.items() if i in stored and stored[i] != version),
            removed=tuple(i for i in known if i not in stored),
        )

    # -- writing ---------------------------------------------------------------------------

    def create(self, fields: EntryFields = EntryFields(), *, reason: str | None = None) -> Entry:
        with self._store.transaction() as s:
            return self.create_in(s, fields, reason=reason)

    def create_in(self, session: Session, fields: EntryFields, *, reason: str | None = None) -> Entry:
        """Adds an entry inside a transaction the caller already holds (import uses it)."""
        now = self._now()
        values = fields.given()
        from fieldnotes_desktop.render.entry_slugs import RESERVED_SLUGS, unique_slug

        title = str(values.get("title", "") or "")
        wanted_slug = str(values.pop("slug", None) or title or "untitled")
        slug = unique_slug(wanted_slug, lambda c: c in RESERVED_SLUGS or repo.slug_taken(session, c))
        entry = editing.insert_entry(
            session, uuid=str(uuid.uuid4()), slug=slug, date=self._today(), now=now, changes=_checked(values)
        )
        if reason:
            self._record_revision(session, entry, reason, now)
        return entry

    def update(
        self, entry_id: int, fields: EntryFields, *, snapshot: str | None = None, base_version: int | None = None
    ) -> Entry:
        """Changes an entry. A body change keeps the text it replaces as a revision when the last
        revision is over ten minutes old; `snapshot` records the new state under that reason.

        With `base_version` (the version the writer's text was read at), the save is refused with
        `EntryConflict`, writing nothing, when someone else has changed the entry since. Without
        it (the command line, import) the change is written over whatever is stored.
        """
        return self._write(entry_id, fields, snapshot=snapshot, base_version=base_version)

    def force_update(self, entry_id: int, fields: EntryFields, *, snapshot: str | None = None) -> Entry:
        """"Keep mine" after an `EntryConflict`: the stored text is kept as a `conflict` revision
        (unless History holds it already), then `fields` are written at a fresh version."""
        return self._write(entry_id, fields, snapshot=snapshot, keep_stored=True)

    def _write(
        self,
        entry_id: int,
        fields: EntryFields,
        *,
        snapshot: str | None,
        base_version: int | None = None,
        keep_stored: bool = False,
    ) -> Entry:
        values = fields.given()
        given = bool(values)  # before "slug" is taken out of `values` below
        changes_row = given or keep_stored
        with self._store.transaction() as s:
            now = self._now()
            # First, before anything is read: a stale base is refused by the UPDATE itself, and
            # from here on this transaction holds the write lock, so what it reads stays true.
            if (changes_row or base_version is not None) and not editing.claim(
                s, entry_id, base_version, bump=changes_row
            ):
                raise EntryConflict(entry_id, repo.get_entry(s, entry_id))  # NotFoundError when it is gone
            current = repo.get_entry(s, entry_id)
            replaces_text = values.get("body", current.body) != current.body or (
                values.get("title", current.title) != current.title
            )
            if keep_stored:
                self._keep_replaced_text(s, current, now, reason="conflict")
            elif replaces_text:
                self._keep_replaced_text(s, current, now, when_due=True)
            changes: dict[str, object] = {}
            if "slug" in values:
                changes["slug"] = _checked_slug(s, current, values.pop("slug"), values.get("title", current.title))
            changes.update(_checked(values))
            entry = editing.change_entry(s, entry_id, changes, now=now if given else None)
            if "words" in changes:
                writing_aids.add_daily_words(s, self._today(), entry.words - current.words)
            if snapshot:
                self._record_revision(s, entry, snapshot, now)
            return entry

    def duplicate(self, entry_id: int) -> Entry:
        with self._store.transaction() as s:
            source = repo.get_entry(s, entry_id)
            return self.create_in(
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
                    tags=source.tags,
                    language=source.language,
                    word_goal=source.word_goal,
                    cover=source.cover,
                    author=source.author,
                    published_time=source.published_time,  # not its old addresses: they lead to the source
                ),
            )

    def trash(self, entry_id: int) -> EntrySummary:
        return self._set_trashed(entry_id, self._now())

    def restore(self, entry_id: int) -> EntrySummary:
        return self._set_trashed(entry_id, None)

    def _set_trashed(self, entry_id: int, moment: dt.datetime | None) -> EntrySummary:
        with self._store.transaction() as s:
            if not editing.claim(s, entry_id):
                repo.get_entry(s, entry_id)  # says that it is gone
            return editing.set_trashed(s, entry_id, moment)

    def empty_trash(self) -> int:
        """Deletes trashed entries for good, with their revisions; returns how many."""
        with self._store.transaction() as s:
            return editing.delete_trashed(s)

    def restore_revision(self, revision_id: int) -> Entry:
        """Puts a revision's text back; the text it replaces and the restore are both kept."""
        with self._store.transaction() as s:
            revision = repo.get_revision(s, revision_id)
            if not editing.claim(s, revision.entry_id):
                repo.get_entry(s, revision.entry_id)  # says that it is gone
            from fieldnotes_desktop.render.text_stats import count_words

            now = self._now()
            self._keep_replaced_text(s, repo.get_entry(s, revision.entry_id), now)
            changes = {"title": revision.title, "body": revision.body, "words": count_words(revision.body)}
            entry = editing.change_entry(s, revision.entry_id, changes, now=now)
            self._record_revision(s, entry, "restore", now)
            return entry

    def keep_text(self, entry_id: int, title: str, body: str, reason: str = "conflict") -> Revision:
        """Keeps a text that is not (or no longer) the stored one in History: "use theirs" keeps mine."""
        from fieldnotes_desktop.render.text_stats import count_words

        with self._store.transaction() as s:
            stored = repo.get_entry(s, entry_id)
            words = count_words(body)
            kept = dataclasses.replace(stored, title=title, body=body, words=words)
            return self._record_revision(s, kept, reason, self._now())

    def words_today(self) -> int:
        """Words added to the entries today, in the writer's calendar (deleted words count against)."""
        with self._store.transaction() as s:
            return writing_aids.daily_words(s, self._today())

    def snapshot(self, entry_id: int, reason: str) -> Revision:
        with self._store.transaction() as s:
            return self._record_revision(s, repo.get_entry(s, entry_id), reason, self._now())

    # -- helpers ---------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        """The clock's time, aware: the store keeps naive UTC, and takes a naive time as UTC."""
        return repo.aware(self._clock())

    def _today(self) -> dt.date:
        """The writer's calendar date: a new entry written on a Monday evening in California is
        dated Monday, although it is already Tuesday in UTC."""
        return self._clock().astimezone().date()

    def _keep_replaced_text(
        self, session: Session, current: Entry, now: dt.datetime, *, when_due: bool = False, reason: str = "autosave"
    ) -> None:
        """Keeps the text about to be replaced unless History has it; `when_due`: at most once
        per ten minutes of editing."""
        latest = repo.latest_revision(session, current.id)
        if latest is not None and (latest.title, latest.body) == (current.title, current.body):
            return
        if latest is None and not current.body.strip():
            return  # a brand-new empty entry has nothing worth keeping
        if not when_due or latest is None or now - latest.created_at >= REVISION_INTERVAL:
            self._record_revision(session, current, reason, now)

    def _record_revision(self, session: Session, entry: Entry, reason: str, now: dt.datetime) -> Revision:
        if reason not in REVISION_REASONS:
            raise ValueError(f"unknown revision reason {reason!r}")  # a programming error
        if reason == "manual":
            # Ctrl+S pressed again on unchanged text keeps the one copy, not one per press.
            latest = repo.latest_revision(session, entry.id)
            if latest is not None and (latest.reason, latest.title, latest.body) == (reason, entry.title, entry.body):
                return latest
        return editing.add_revision(session, entry, reason, now, self._author)


def _checked_slug(session: Session, current: Entry, wanted: object, title: object) -> str:
    from fieldnotes_desktop.render.entry_slugs import RESERVED_SLUGS, slugify

    slug = slugify(str(wanted or title or "untitled"))
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"“{slug}” names a folder of the exported site; choose another slug.", field="slug")
    if slug != current.slug and repo.slug_taken(session, slug, except_id=current.id):
        raise ValidationError(f"The slug “{slug}” is already used by another entry; choose another.", field="slug")
    return slug


def _checked(values: Mapping[str, object]) -> dict[str, object]:
    """`EntryFields` values as the entry's columns, or a ValidationError naming the field refused."""
    from fieldnotes_desktop.render.text_stats import count_words

    changes: dict[str, object] = {}
    for name, value in values.items():
        if name == "tags":
            changes["tags"] = value
        elif name == "aliases":
            changes["aliases"] = _checked_aliases(value)
        elif name == "published_time":
            changes["published_time"] = _checked_time(str(value or ""))
        elif name == "status":
            if value not in STATUSES:
                raise ValidationError(f"“{value}” is not a status; use one of: {', '.join(STATUSES)}.", field="status")
            changes["status"] = str(value)
        elif name == "date":
            if not isinstance(value, dt.date):
                raise ValidationError("An entry needs a date, such as 2025-01-19.", field="date")
            changes["date"] = value
        elif name in _LIMITS:
            changes[name] = _optional_int(name, value)
        elif name == "language":
            changes["language"] = checked_language(str(value or ""), allow_empty=True)
        elif name == "body":
            changes["body"] = str(value)
            changes["words"] = count_words(str(value))
        else:
            text = "" if value is None else str(value)
            changes[name] = text if name == "title" else text.strip()
    return changes


_LIMITS = {
    "volume": (0, 99, "A volume is a number from 0 to 99."),
    "elevation_m": (-11000, 9000, "An elevation is a whole number of metres, such as 8200."),
    "reading_minutes": (1, 999, "A reading time is a whole number of minutes from 1 to 999."),
    "word_goal": (1, 1_000_000, "A word goal is a whole number of words from 1 to 1,000,000."),
}


_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _checked_time(value: str) -> str:
    value = value.strip()
    if value and not _TIME.match(value):
        raise ValidationError(
            f"“{value[:40]}” is not a time of day; give one like 07:30, 07:30:00 or 07:30:00+01:00.",
            field="published_time",
        )
    return value


def _checked_aliases(value: object) -> tuple[str, ...]:
    """Old addresses as site paths, each once: `2019/05/old` and `/2019/05/old/` are the same page."""
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
    paths: list[str] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if _SCHEME.match(text) or text.startswith("//") or any(c.isspace() for c in text) or ".." in text.split("/"):
            raise ValidationError(
                f"“{text[:60]}” is not an address on this site; give old addresses as paths, such as /2019/05/old-post/.",
                field="aliases",
            )
        path = "/" + text.strip("/")
        if "." not in path.rsplit("/", 1)[-1]:
            path += "/"  # a folder's address, as the export writes pages
        if path != "/" and path not in paths:
            paths.append(path)
    return tuple(paths)


def _optional_int(name: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    low, high, message = _LIMITS[name]
    try:
        number = int(str(value).replace(",", "").strip())
    except ValueError:
        raise ValidationError(message, field=name) from None
    if not low <= number <= high:
        raise ValidationError(message, field=name)
    return number
