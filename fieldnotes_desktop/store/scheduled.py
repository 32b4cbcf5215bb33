"""The entries waiting for their scheduled moment, and making the due ones finished, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from fieldnotes_desktop.records import FINISHED, SCHEDULED, EntrySummary
from fieldnotes_desktop.store.models import EntryRow
from fieldnotes_desktop.store.repository import CHUNK, naive_utc, summaries_by_id

_WAITING = (EntryRow.status == SCHEDULED) & EntryRow.trashed_at.is_(None)


class Waiting(NamedTuple):
    """A scheduled entry outside the trash, as much of it as its moment needs."""

    id: int
    version: int
    date: dt.date
    published_time: str


def waiting(session: Session) -> list[Waiting]:
    """Every scheduled entry outside the trash (the status index finds them; no body is read)."""
    query = select(EntryRow.id, EntryRow.version, EntryRow.date, EntryRow.published_time).where(_WAITING)
    return [Waiting(int(i), int(v), d, str(t or "")) for i, v, d, t in session.execute(query)]


def release(session: Session, versions: Mapping[int, int], now: dt.datetime) -> list[EntrySummary]:
    """Makes finished those of these entries (id → version) still scheduled, outside the trash and
    at that version, raising their version as every change does; their new summaries, in id order.

    An entry changed since it was read (rescheduled, trashed, edited) is left for the next release.
    """
    pairs = sorted(versions.items())
    released: list[int] = []
    for start in range(0, len(pairs), CHUNK // 2):  # two variables a pair
        chunk = pairs[start : start + CHUNK // 2]
        statement = (
            update(EntryRow)
            .where(tuple_(EntryRow.id, EntryRow.version).in_(chunk), _WAITING)
            .values(status=FINISHED, version=EntryRow.version + 1, updated_at=naive_utc(now))
            .returning(EntryRow.id)
        )
        # Nothing of these rows is loaded in the session: there is nothing to synchronise.
        released += session.scalars(statement, execution_options={"synchronize_session": False})
    found = summaries_by_id(session, released)
    return [found[i] for i in sorted(found)]
