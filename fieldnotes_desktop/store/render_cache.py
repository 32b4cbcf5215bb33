"""The rendered-section cache in the database: payloads by key, read and written in bulk, trimmed to what entries use.

Keys and payloads are opaque text here (render/section_cache.py names and writes them), kept
zlib-compressed; the caller owns the session, as everywhere in the store.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from fieldnotes_desktop.store.models import RenderedSectionRow

# SQLite allows 32,766 bound parameters; a few hundred per statement keeps each one quick.
_CHUNK = 500
# However many sections live entries use, the cache never holds more rows than this: at about
# 1 KB a section, some 200 MB. Past it rows go in key order (that is, at random: keys are
# hashes), which costs no bookkeeping on reads; they are only rendered again.
MAX_ROWS = 200_000
# A row of its own, not a section: no digest has this form. It remembers how many rows the
# last trim kept, so the next export can tell growth from use without reading every body.
_LIVE_MARK = "~live-at-last-trim"


def get_many(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """The payloads held for `keys`; keys not held are left out."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.execute(
            select(RenderedSectionRow.key, RenderedSectionRow.payload).where(RenderedSectionRow.key.in_(chunk))
        )
        for key, stored in rows:
            try:
                found[key] = zlib.decompress(stored).decode("utf-8")
            except (zlib.error, UnicodeDecodeError, TypeError):
                continue  # a damaged row is a miss: the section is rendered again
    return found


def put_many(session: Session, payloads: Mapping[str, str]) -> None:
    """Keeps `payloads`; a key already held stays as it is (same key, same rendering)."""
    # Compressed: rendered HTML is twice the size of its Markdown, and backups copy every row.
    items = [{"key": k, "payload": zlib.compress(v.encode("utf-8"), 1)} for k, v in payloads.items()]
    for start in range(0, len(items), _CHUNK):
        statement = insert(RenderedSectionRow).on_conflict_do_nothing(index_elements=["key"])
        session.execute(statement, items[start : start + _CHUNK])


def count(session: Session) -> int:
    """The sections held (the trim's mark not counted)."""
    query = select(func.count()).select_from(RenderedSectionRow).where(RenderedSectionRow.key != _LIVE_MARK)
    return int(session.scalar(query) or 0)


def keep_only(session: Session, live: Iterable[Sequence[str]]) -> int:
    """Deletes every row whose key is not among `live` (batches of the keys current entries
    render from); returns how many went.

    The keys go into a temporary table as they come, which takes no lock on the database
    itself: other writers wait only for the one DELETE at the end.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        create = "CREATE TEMP TABLE IF NOT EXISTS fn_live_sections (key text PRIMARY KEY)"
        add = "INSERT INTO fn_live_sections (key) VALUES (%s) ON CONFLICT DO NOTHING"
    else:
        create = "CREATE TEMP TABLE IF NOT EXISTS fn_live_sections (key TEXT PRIMARY KEY) WITHOUT ROWID"
        add = "INSERT OR IGNORE INTO fn_live_sections (key) VALUES (?)"
    connection.exec_driver_sql(create)
    connection.exec_driver_sql("DELETE FROM fn_live_sections")
    for keys in live:
        if keys:
            connection.exec_driver_sql(add, [(k,) for k in keys])
    result = connection.exec_driver_sql(
        "DELETE FROM rendered_sections WHERE key NOT IN (SELECT key FROM fn_live_sections)"
    )
    connection.exec_driver_sql("DELETE FROM fn_live_sections")
    removed = int(result.rowcount or 0) + trim(session)
    mark_live(session, count(session))
    return removed


def mark_live(session: Session, rows: int) -> None:
    """Records how many rows are in use now, for `live_at_last_trim`."""
    session.merge(RenderedSectionRow(key=_LIVE_MARK, payload=str(max(rows, 1)).encode()))


def live_at_last_trim(session: Session) -> int:
    """How many rows the cache kept when it was last trimmed (0 before the first time)."""
    payload = session.scalar(select(RenderedSectionRow.payload).where(RenderedSectionRow.key == _LIVE_MARK))
    return int(payload) if payload and payload.isdigit() else 0  # bytes.isdigit(): plain ASCII digits


def trim(session: Session, limit: int = MAX_ROWS) -> int:
    """Keeps at most `limit` rows, whatever uses them."""
    extra = count(session) - limit
    if extra <= 0:
        return 0
    doomed = select(RenderedSectionRow.key).limit(extra).scalar_subquery()
    result = session.execute(delete(RenderedSectionRow).where(RenderedSectionRow.key.in_(doomed)))
    return int(getattr(result, "rowcount", 0) or 0)
