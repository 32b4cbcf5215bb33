"""The entry pages one export writes, by entry uuid and by path, asked of its shelf of summaries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fieldnotes_desktop.export.context import entry_path
from fieldnotes_desktop.export.shelf import Picked, Shelf
from fieldnotes_desktop.records import EntrySummary


def entry_page_path(entry: EntrySummary) -> str:
    return f"{entry_path(entry.slug)}index.html"


class PublishedPages:
    """The entry pages an export writes: by entry uuid, and whether a site path is one of them.

    Asked of the shelf (by its indexes of uuids and slugs) rather than held as a dictionary
    of every entry's page (~200 bytes an entry).
    """

    def __init__(self, entries: Sequence[EntrySummary], other_paths: Iterable[str]) -> None:
        self._others = set(other_paths)
        shelf = entries.entries if isinstance(entries, Picked) else entries
        self._shelf = shelf if isinstance(shelf, Shelf) else None
        self._by_uuid: dict[str, EntrySummary] = {}
        self._published: bytearray | None = None
        if self._shelf is None:
            self._by_uuid = {e.uuid: e for e in entries}
            self._paths = {entry_page_path(e) for e in entries}
        elif isinstance(entries, Picked):
            self._published = bytearray(len(self._shelf))
            for position in entries.positions:
                self._published[position] = 1

    def get(self, uuid: str) -> str | None:
        """The page path of the published entry `uuid`, or None."""
        if self._shelf is None:
            entry = self._by_uuid.get(uuid)
            return None if entry is None else entry_page_path(entry)
        found = self._shelf.find_uuid(uuid)
        if found is None or not self._is_published(found[0]):
            return None
        return f"{entry_path(found[1])}index.html"

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        if path in self._others:
            return True
        if self._shelf is None:
            return path in self._paths
        slug, _sep, rest = path.partition("/")
        position = self._shelf.position_of_slug(slug) if rest == "index.html" else None
        return position is not None and self._is_published(position)

    def _is_published(self, position: int) -> bool:
        return self._published is None or bool(self._published[position])
