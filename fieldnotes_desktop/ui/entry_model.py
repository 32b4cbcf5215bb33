"""The entry list as a Qt table model over summaries (never bodies), fetched page by page off-thread."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from fieldnotes_desktop.records import SCHEDULED, EntryFilter, EntrySummary, SearchHit
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.tasks import Op, Tasks

ModelIndex = QModelIndex | QPersistentModelIndex

SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 2
ID_ROLE = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("Title", "Date", "Status", "Category")
PAGE_SIZE = 200
SEARCH_LIMIT = 200


def _date_text(summary: EntrySummary) -> str:
    return summary.date.strftime("%b %-d, %Y")


class EntryListModel(QAbstractTableModel):
    """Newest first. A search replaces the rows with its hits; filters apply to both.

    Every query runs on the database lane; a generation number drops answers to questions no longer
    asked (the writer typed on, or changed a filter).
    """

    reloaded = Signal()  # a fresh first page (or set of hits) is in

    def __init__(self, tasks: Tasks, services: Services) -> None:
        super().__init__()
        self._tasks = tasks
        self._services = services  # its entries are asked for on the database lane, where the store opens
        self._rows: list[EntrySummary] = []
        self._snippets: dict[int, str] = {}
        self._total = 0
        self._filter = EntryFilter()
        self._query = ""
        self._generation = 0
        self._fetching = False

    # -- what is shown -----------------------------------------------------------------------

    @property
    def entry_filter(self) -> EntryFilter:
        return self._filter

    @property
    def total(self) -> int:
        """Entries matching the filter, loaded or not."""
        return self._total

    @property
    def query(self) -> str:
        return self._query

    def set_filter(self, entry_filter: EntryFilter) -> None:
        if entry_filter != self._filter:
            self._filter = entry_filter
            self.reload()

    def set_query(self, query: str) -> None:
        if query.strip() != self._query:
            self._query = query.strip()
            self.reload()

    def reload(self) -> None:
        """Asks again for what is shown, keeping as many rows as are loaded now."""
        self._generation += 1
        generation, entry_filter, query = self._generation, self._filter, self._query
        self._fetching = False
        if query:
            services = self._services

            def search() -> tuple[list[SearchHit], int]:
                hits = services.entries.search(query, SEARCH_LIMIT, include_trashed=entry_filter.trashed)
                return [h for h in hits if _passes(h.entry, entry_filter)], 0

            work: Any = search
        else:
            wanted = max(PAGE_SIZE, len(self._rows))
            services = self._services

            def page() -> tuple[list[EntrySummary], int]:
                return (
                    services.entries.list_summaries(entry_filter, wanted, 0),
                    services.entries.count(entry_filter),
                )

            work = page
        self._tasks.run(Op(work, key="entry-list"), lambda result: self._on_reloaded(generation, result))

    def fill(self, rows: list[EntrySummary], total: int) -> None:
        """Shows the first page of the list as read before the store opened (`app.build_main_window`)."""
        self._generation += 1  # the answer to any question asked before
        self._fetching = False
        self._on_reloaded(self._generation, (rows, total))

    def _on_reloaded(self, generation: int, result: tuple[list[Any], int]) -> None:
        if generation != self._generation:
            return
        items, total = result
        self.beginResetModel()
        if self._query:
            self._rows = [hit.entry for hit in items]
            self._snippets = {hit.entry.id: hit.snippet for hit in items}
            self._total = len(self._rows)
        else:
            self._rows = list(items)
            self._snippets = {}
            self._total = total
        self.endResetModel()
        self.reloaded.emit()

    # -- incremental loading -----------------------------------------------------------------

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and not self._query and len(self._rows) < self._total

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: N802
        if self._fetching or not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, entry_filter, offset = self._generation, self._filter, len(self._rows)
        services = self._services
        self._tasks.run(
            Op(lambda: services.entries.list_summaries(entry_filter, PAGE_SIZE, offset)),
            lambda rows: self._on_fetched(generation, offset, rows),
            self._on_fetch_failed,
        )

    def _on_fetch_failed(self, error: BaseException) -> None:
        self._fetching = False  # scrolling on asks again
        self._tasks.failed.emit(error)

    def _on_fetched(self, generation: int, offset: int, rows: list[EntrySummary]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._fetching = False
        if not rows:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    # -- changes known without asking the database -------------------------------------------

    def row_of(self, entry_id: int) -> int | None:
        for row, summary in enumerate(self._rows):
            if summary.id == entry_id:
                return row
        return None

    def summary_at(self, row: int) -> EntrySummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows_of(self, entry_ids: Iterable[int]) -> list[int]:
        """The rows of those of `entry_ids` that are loaded, in list order: one pass over the rows."""
        wanted = set(entry_ids)
        return [row for row, summary in enumerate(self._rows) if summary.id in wanted]

    def update_summary(self, summary: EntrySummary) -> None:
        """A saved entry's new title, status or date, shown in place without a query."""
        self.update_summaries([summary])

    def update_summaries(self, summaries: Iterable[EntrySummary]) -> None:
        """Entries' new values shown in place without a query; those the filter no longer
        admits leave the list (a bulk edit changes hundreds: one pass, a signal per run of rows)."""
        fresh = {summary.id: summary for summary in summaries}
        changed: list[int] = []
        leaving: list[int] = []
        for row, summary in enumerate(self._rows):
            new = fresh.get(summary.id)
            if new is None:
                continue
            if _passes(new, self._filter):
                self._rows[row] = new
                changed.append(row)
            else:
                leaving.append(row)
        for first, last in row_runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        for first, last in reversed(row_runs(leaving)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self._total -= last - first + 1
            self.endRemoveRows()

    # -- the table ---------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        summary = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return summary.title or "Untitled"
            if column == 1:
                return _date_text(summary)
            if column == 2:
                return summary.status.capitalize()
            return summary.category
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{summary.title or 'Untitled'}, {summary.status}, {_date_text(summary)}"
        if role == SUMMARY_ROLE:
            return summary
        if role == ID_ROLE:
            return summary.id
        if role == SNIPPET_ROLE:
            return self._snippets.get(summary.id, "")
        if role == Qt.ItemDataRole.ToolTipRole:
            snippet = self._snippets.get(summary.id)
            text = _plain(snippet) if snippet else summary.summary or None
            if summary.status != SCHEDULED:
                return text
            # The day only: the list's records carry no time of day (the details show it).
            when = f"Scheduled for {_date_text(summary)}"
            return f"{when}\n{text}" if text else when
        return None


def row_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as runs of consecutive ones: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _plain(snippet: str) -> str:
    return " ".join(snippet.replace("<mark>", "").replace("</mark>", "").split())


def _passes(summary: EntrySummary, f: EntryFilter) -> bool:
    return (
        summary.trashed == f.trashed
        and (not f.status or summary.status == f.status)
        and (not f.category or summary.category == f.category)
        and (not f.tag or f.tag in summary.tags)
        and (f.volume is None or summary.volume == f.volume)
    )


def with_filter(current: EntryFilter, **changes: Any) -> EntryFilter:
    return dataclasses.replace(current, **changes)
