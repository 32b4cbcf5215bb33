"""The SQLite store: models, the engine with its pragmas, migrations, full-text search, backups and checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldnotes_desktop.store.engine import Store, open_store

__all__ = ["Store", "open_store"]


def __getattr__(name: str) -> Any:
    # Loaded when first asked for, not with the package: the engine brings SQLAlchemy, which the
    # read path of `fieldnotes search` (store/plain_read.py) does without.
    if name in __all__:
        from fieldnotes_desktop.store import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
