"""The 100,000-entry shelf brought to this checkout's schema, for benchmarks that only read it.

`corpus.shelf()` is built once at whatever schema was current then; opening it for writing would
migrate it in place (and back it up beside itself). Benchmarks that only read take this copy
instead: made once per schema revision in the cache folder, the shelf itself left untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from corpus import cache_folder, shelf


def migrated_shelf() -> Path:
    from fieldnotes_desktop.services import open_services
    from fieldnotes_desktop.store.engine import head_revision

    source = shelf()
    target = cache_folder() / f"{source.stem}-at-{head_revision()}.db"
    if target.exists():
        return target
    partial = target.with_suffix(".partial")
    shutil.copyfile(source, partial)
    open_services(partial).close()  # migrates, after backing the file up beside itself
    for backup in partial.parent.glob(f"{partial.name}.before-*.bak"):
        backup.unlink()
    for leftover in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    partial.replace(target)
    return target
