"""The SQLite store: models, the engine with its pragmas, migrations, full-text search, backups and checks."""

from fieldnotes_desktop.store.engine import Store, open_store

__all__ = ["Store", "open_store"]
