"""What the pre-publish checks read besides the export's reads: the trash's slugs, covers and times, the stored images."""

# The entries and their bodies come from store/export_reads.py, as the export reads them, so
# that the checks look at exactly the entries a publish would.

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldnotes_desktop.store.models import AssetRow, EntryRow


class StoredImage(NamedTuple):
    """An asset as a check needs it: never its bytes (a desk may hold gigabytes of photos)."""

    filename: str
    sha256: str
    size: int


def trashed_slugs(session: Session) -> Iterator[str]:
    """The slugs of the entries in the trash."""
    yield from session.scalars(select(EntryRow.slug).where(EntryRow.trashed_at.is_not(None)))


def stored_images(session: Session) -> Iterator[StoredImage]:
    """Every stored asset's name, hash and size, without its bytes."""
    rows = session.execute(select(AssetRow.filename, AssetRow.sha256, AssetRow.size))
    for filename, sha256, size in rows:
        yield StoredImage(filename, sha256, size)


def covers_and_times(session: Session) -> Iterator[tuple[int, str, str]]:
    """(entry id, cover, published_time) of the entries outside the trash that have either."""
    rows = session.execute(
        select(EntryRow.id, EntryRow.cover, EntryRow.published_time).where(
            EntryRow.trashed_at.is_(None), (EntryRow.cover != "") | (EntryRow.published_time != "")
        )
    )
    for entry_id, cover, published_time in rows:
        yield entry_id, cover, published_time
