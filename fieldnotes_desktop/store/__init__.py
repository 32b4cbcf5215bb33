"""The SQLite store: models, the engine with its pragmas, migrations, full-text search, backups and checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldnotes_desktop.lazy import lazy_names

if TYPE_CHECKING:
    from fieldnotes_desktop.store.engine import Store, open_store

__all__ = ["Store", "open_store"]

# Loaded when first asked for, not with the package: the engine brings SQLAlchemy, which the
# read path of `fieldnotes search` (store/plain_read.py) does without.
__getattr__ = lazy_names(__name__, {"Store": "engine", "open_store": "engine"})
