"""What the database holds for an entry, read through services of its own (not the window's)."""

from __future__ import annotations

from pathlib import Path

from fieldnotes_desktop.records import Entry
from fieldnotes_desktop.services import open_services


def stored_entry(db: Path, entry_id: int) -> Entry:
    services = open_services(db)
    try:
        return services.entries.get(entry_id)
    finally:
        services.close()
