"""The rendered-section cache for the services: the database's copy as a `TemplateStore`, and its trimming.

The export and the preview render through `SectionRenderer(shared=StoredSections(store))`, so
a section either of them rendered is not rendered again (render/section_cache.py says how
sections are keyed; store/render_cache.py keeps them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from fieldnotes_desktop.errors import FieldnotesError
from fieldnotes_desktop.render.section_cache import keys_for
from fieldnotes_desktop.render.sections import scan_source
from fieldnotes_desktop.render.typography import Typography
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import export_reads, render_cache

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_BATCH = 100  # bodies read at a time when collecting the keys drafts use


class StoredSections:
    """The database's rendered-section cache as a `TemplateStore`: each call one short transaction.

    Thread-safe (every call takes its own session), so the preview's render lane may share it
    with an export running on another thread. A cache failure never fails a render: the
    section is rendered instead.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        try:
            with self._store.transaction() as s:
                return render_cache.get_many(s, keys)
        except FieldnotesError:
            return {}

    def put_many(self, payloads: Mapping[str, str]) -> None:
        if self._store.read_only:
            return
        try:
            with self._store.transaction() as s:
                render_cache.put_many(s, payloads)
        except FieldnotesError:
            return  # a busy or full database costs a render next time, never the export


def trim_section_cache(store: Store, snapshot: Session, typography: Typography) -> int:
    """Keeps the cache near what entries use, after a whole-site export; returns the rows deleted.

    Every pause in typing keeps a section or two, so the cache outgrows the entries. Once it
    holds half as many rows again as its last trim kept (plus a thousand), the rows no entry
    outside the trash renders from go, drafts the export left out included: their keys are
    read from the export's `snapshot` a batch of bodies at a time, straight into the
    database, so trimming holds no more in memory than the export did. Only the keys of the
    site's `typography` are live: sections kept under the other setting go with the rest.
    `render_cache.MAX_ROWS` caps the cache whatever entries use.
    """
    try:
        with store.transaction() as s:
            held, kept = render_cache.count(s), render_cache.live_at_last_trim(s)
            if kept == 0:
                # Never trimmed: the cache is what exports (this one included) rendered, and
                # reading every body to prove it would cost the first export of a big site
                # more memory than the export itself. Growth is measured from here.
                render_cache.mark_live(s, held)
                return 0
        if held <= kept * 3 // 2 + 1000:
            return 0
        with store.transaction() as s:
            return render_cache.keep_only(s, _live_keys(snapshot, typography))
    except FieldnotesError:
        return 0  # a cache: trimming it can wait for the next export


def _live_keys(snapshot: Session, typography: Typography) -> Iterator[list[str]]:
    """The keys every entry outside the trash renders from, a batch of entries at a time."""
    ids = [e.id for e in export_reads.summaries_outside_trash(snapshot)]
    for start in range(0, len(ids), _BATCH):
        keys: list[str] = []
        for body in export_reads.bodies(snapshot, ids[start : start + _BATCH]).values():
            keys += keys_for(scan_source(body), typography)
        yield keys
