"""A desk on a server is backed up to a desk file on this computer: on demand and once a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services


def test_a_server_desks_backup_is_a_desk_file_holding_the_same_entries(pg_url: str, tmp_path: Path) -> None:
    desk = open_services(pg_url)
    try:
        desk.entries.create(EntryFields(title="Kept twice", body="On the server, and on this disk."))
        target = desk.maintenance.backup(tmp_path / "copy.db")
        daily = desk.maintenance.daily_backup(dt.date(2026, 3, 1))
        again = desk.maintenance.daily_backup(dt.date(2026, 3, 1))
    finally:
        desk.close()
    assert daily.created and daily.path is not None and not again.created
    assert not list(tmp_path.glob("*.partial"))
    for path in (target, daily.path):
        copy = open_services(path, read_only=True)
        try:
            assert [(s.title) for s in copy.entries.list_summaries()] == ["Kept twice"]
        finally:
            copy.close()
