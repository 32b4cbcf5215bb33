"""Gathers imported entries into batches and stores each batch in a few statements.

An import holds one transaction from its first file to its last, so a failure anywhere stores
nothing; within it, files are read and stored a batch at a time, so what the import holds in
memory is one batch's text, however many files it brings in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from fieldnotes_desktop.errors import ImportFailed, ValidationError
from fieldnotes_desktop.records import EntryFields, EntrySummary
from fieldnotes_desktop.render.entry_slugs import RESERVED_SLUGS, slugify, unique_slug
from fieldnotes_desktop.services.entries import EntryService, _checked
from fieldnotes_desktop.store import bulk
from fieldnotes_desktop.store import repository as repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Large enough that a statement's overhead vanishes, small enough that a batch of 1,500-word
# entries is a few MB; a batch is also closed early once its text passes BATCH_CHARS.
BATCH_FILES = 500
BATCH_CHARS = 8 * 1024 * 1024

Stored = Callable[[str], None]


class BatchWriter:
    """Checks each entry as it is added, as `EntryService.create_in` would, and stores full batches."""

    def __init__(self, session: Session, entries: EntryService, stored: Stored | None = None) -> None:
        self._session = session
        self._entries = entries
        self._stored = stored
        self._rows: list[dict[str, object]] = []
        self._wanted: list[str] = []  # the slug each row asks for, before it is made unique
        self._names: list[str] = []  # the file each row came from, for progress
        self._chars = 0
        self.created: list[EntrySummary] = []

    def add(self, name: str, fields: EntryFields, words: int | None = None) -> None:
        """Queues one entry read from the file `name` (printable); a refused value names the file.

        `words`, when given, is `count_words` of the body, counted already (by a worker).
        """
        values = fields.given()
        title = str(values.get("title", "") or "")
        wanted = str(values.pop("slug", None) or title or "untitled")
        body = values.pop("body", None) if words is not None else None
        try:
            row = _checked(values)
        except ValidationError as exc:
            # A value out of range (volume 100, elevation 12000): say which file holds it.
            raise ImportFailed(f"{name}: {str(exc).rstrip('.')}; nothing was imported.") from exc
        if body is not None:
            row["body"], row["words"] = str(body), words  # as `_checked` sets them
        row["uuid"] = str(uuid.uuid4())
        row.setdefault("date", self._entries._today())  # as `create_in` dates an undated entry
        self._rows.append(row)
        self._wanted.append(wanted)
        self._names.append(name)
        self._chars += len(str(row.get("body", "")))
        if len(self._rows) >= BATCH_FILES or self._chars >= BATCH_CHARS:
            self.flush()

    def flush(self) -> None:
        """Stores the queued entries, each under a slug no entry has, stored or queued."""
        if not self._rows:
            return
        slugs = _SlugBook(self._session, [slugify(w) for w in self._wanted])
        for row, wanted in zip(self._rows, self._wanted):
            row["slug"] = slugs.claim(wanted)
        # One moment for the batch, from the desk's clock (as `create_in` takes it): its entries
        # were stored together.
        now = self._entries._now()
        self.created += bulk.insert_entries(self._session, self._rows, now=now)
        names = self._names
        self._rows, self._wanted, self._names, self._chars = [], [], [], 0
        if self._stored is not None:
            for name in names:
                self._stored(name)


class _SlugBook:
    """The slugs taken, asked of the database once per batch for the slugs the batch wants.

    Entries of earlier batches are in the database already (same transaction); the batch's own
    are kept here. A suffixed candidate (`same-2`) not asked about yet is asked one at a time:
    that happens only where slugs collide.
    """

    def __init__(self, session: Session, wanted: list[str]) -> None:
        self._session = session
        stored = bulk.existing_slugs(session, wanted)
        self._known = {slug: slug in stored for slug in wanted}
        self._claimed: set[str] = set()

    def claim(self, wanted: str) -> str:
        slug = unique_slug(wanted, self._taken)
        self._claimed.add(slug)
        return slug

    def _taken(self, candidate: str) -> bool:
        if candidate in RESERVED_SLUGS or candidate in self._claimed:
            return True
        known = self._known.get(candidate)
        if known is None:
            known = self._known[candidate] = repo.slug_taken(self._session, candidate)
        return known
