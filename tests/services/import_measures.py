"""What the import tests read back: rows per table, and an import's peak of traced memory."""

from __future__ import annotations

import sqlite3
import tracemalloc
from pathlib import Path

from fieldnotes_desktop.services import Services

TABLES = ("entries", "tags", "entry_tags", "entries_fts", "assets")


def counts(services: Services) -> dict[str, int]:
    db = sqlite3.connect(services.db_path)
    try:
        return {t: int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
    finally:
        db.close()


def import_peak(services: Services, folder: Path) -> int:
    tracemalloc.start()
    try:
        services.imports.import_paths([folder])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
