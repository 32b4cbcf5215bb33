"""Releasing scheduled entries: only those still scheduled, outside the trash and at the version read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fieldnotes_desktop.records import FINISHED, SCHEDULED, EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.store import scheduled

NOW = dt.datetime(2025, 1, 19, 9, 0, tzinfo=dt.timezone.utc)


def test_an_entry_changed_since_it_was_read_waits_for_the_next_release(db_path: Path) -> None:
    services = open_services(db_path)
    try:
        entries = services.entries
        kept = entries.create(EntryFields(title="Kept", status=SCHEDULED, date=dt.date(2025, 1, 1)))
        moved = entries.create(EntryFields(title="Moved", status=SCHEDULED, date=dt.date(2025, 1, 2)))
        with services.store.transaction() as s:
            seen = {w.id: w.version for w in scheduled.waiting(s)}
        entries.update(moved.id, EntryFields(date=dt.date(2026, 1, 2)))  # rescheduled meanwhile
        with services.store.transaction() as s:
            released = scheduled.release(s, seen, NOW)
        assert [(e.id, e.status, e.version) for e in released] == [(kept.id, FINISHED, kept.version + 1)]
        assert entries.get(moved.id).status == SCHEDULED
        assert entries.get(kept.id).updated_at == NOW
    finally:
        services.close()
