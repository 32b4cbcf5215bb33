"""The left pane: search as you type, filters, the list of entries (one open, several selected) and the trash."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListView,
    QPushButton, QToolButton, QVBoxLayout, QWidget,
)

from fieldnotes_desktop.records import DRAFT, FINISHED, EntryFilter, EntrySummary
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.bulk_edit_widgets import SelectionBar
from fieldnotes_desktop.ui.entry_delegate import EntryCardDelegate
from fieldnotes_desktop.ui.entry_model import ID_ROLE, EntryListModel, row_runs, with_filter
from fieldnotes_desktop.ui.tasks import Op, Tasks
from fieldnotes_desktop.ui.theme import Colors

SEARCH_DEBOUNCE_MS = 250
ALL = ""


class SearchField(QLineEdit):
    """Down or Enter moves on to the results; Escape clears the search."""

    results_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.results_requested.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class EntryListPanel(QWidget):
    """One entry is open; Shift and Ctrl select several for a bulk edit (ui/bulk_edit.py).

    While several are selected the editor keeps the entry that was open: a writer gathering
    entries to change is not asking to read each one, and every switch would save, reload and
    re-render. When the selection comes back to one entry, that one opens, as a plain click does.
    """

    entry_selected = Signal(int)  # the writer moved to another entry
    open_requested = Signal()  # Enter on an entry: go and write
    restore_requested = Signal()
    empty_trash_requested = Signal()
    facets_loaded = Signal(list, list)  # the categories and tags in use, for completion

    def __init__(self, tasks: Tasks, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entryPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._tasks = tasks
        self._services = services
        self._current_id: int | None = None
        self._following = True  # the selection opens entries (not while rows leave after a bulk edit)
        self._kept: set[int] = set()  # selected when the rows were last asked for again
        self.categories: list[str] = []  # in use, as last loaded: for the bulk edits' questions
        self.tags: list[str] = []
        self.model = EntryListModel(tasks, services)

        self.search = SearchField(placeholderText="Search entries  (Ctrl+L)")
        self.search.setObjectName("entrySearch")
        self.search.setAccessibleName("Search entries")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)

        self._status_group = QButtonGroup(self)
        status_row = QHBoxLayout()
        status_row.setSpacing(2)
        for label, value in (("All", ALL), ("Drafts", DRAFT), ("Finished", FINISHED)):
            button = QToolButton()
            button.setText(label)
            button.setCheckable(True)
            button.setObjectName("statusFilterButton")
            button.setProperty("status", value)
            button.setAccessibleName(f"Show {label.lower()} entries")
            self._status_group.addButton(button)
            status_row.addWidget(button)
            button.setChecked(value == ALL)
            button.setMinimumWidth(button.sizeHint().width())  # never "D…s" in a narrow window
        status_row.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("entryCount")

        self.category_filter = self._combo("categoryFilter", "Filter by category")
        self.tag_filter = self._combo("tagFilter", "Filter by tag")
        self.volume_filter = self._combo("volumeFilter", "Filter by volume")
        # Two by two, the count beside the volumes: three abreast, a narrow list cut them to "Categ".
        facet_row = QGridLayout()
        facet_row.setHorizontalSpacing(4)
        facet_row.setVerticalSpacing(4)
        facet_row.addWidget(self.category_filter, 0, 0)
        facet_row.addWidget(self.tag_filter, 0, 1)
        facet_row.addWidget(self.volume_filter, 1, 0)
        facet_row.addWidget(self.count_label, 1, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.view = QListView()
        self.view.setObjectName("entryList")
        self.view.setAccessibleName("Entries")
        self.view.setModel(self.model)
        self.delegate = EntryCardDelegate()
        self.view.setItemDelegate(self.delegate)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setUniformItemSizes(False)
        self.view.setMouseTracking(True)
        self.view.installEventFilter(self)

        self.trash_bar = QWidget()
        self.trash_bar.setObjectName("trashBar")
        self.trash_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        trash_row = QHBoxLayout(self.trash_bar)
        trash_row.setContentsMargins(12, 6, 12, 6)
        trash_row.addWidget(QLabel("Trash"), 1)
        self.restore_button = QPushButton("Restore")
        self.empty_button = QPushButton("Empty trash…")
        trash_row.addWidget(self.restore_button)
        trash_row.addWidget(self.empty_button)
        self.trash_bar.hide()
        self.selection_bar = SelectionBar()

        top = QVBoxLayout()
        top.setContentsMargins(12, 12, 12, 6)
        top.setSpacing(8)
        top.addWidget(self.search)
        top.addLayout(status_row)
        top.addLayout(facet_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.selection_bar)
        layout.addWidget(self.trash_bar)

        self.search.textChanged.connect(self._search_timer.start)
        self.search.results_requested.connect(self._on_search_results_requested)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self._status_group.buttonClicked.connect(self._on_filters_changed)
        for combo in (self.category_filter, self.tag_filter, self.volume_filter):
            combo.activated.connect(self._on_filters_changed)
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self.model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        self.model.reloaded.connect(self._on_model_reloaded)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        self.restore_button.clicked.connect(self.restore_requested)
        self.empty_button.clicked.connect(self.empty_trash_requested)
        self.selection_bar.clear_requested.connect(self._on_selection_bar_clear_requested)

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(5)  # two abreast: whole at the list's share of a 1024 window
        return combo

    def set_colors(self, colors: Colors) -> None:
        self.delegate.colors = colors
        self.view.viewport().update()

    # -- what the list shows -----------------------------------------------------------------

    @property
    def showing_trash(self) -> bool:
        return self.model.entry_filter.trashed

    def show_trash(self, trashed: bool) -> None:
        self.trash_bar.setVisible(trashed)
        self.model.set_filter(with_filter(self.model.entry_filter, trashed=trashed))

    def refresh(self) -> None:
        """Asks the database again: after a new entry, a trash or restore, a changed category."""
        self.model.reload()
        self.refresh_facets()

    def refresh_facets(self) -> None:
        services = self._services

        def facets() -> tuple[list[str], list[str], list[int]]:
            entries = services.entries
            return entries.categories(), entries.tags(), entries.volumes()

        self._tasks.run(
            Op(facets, key="entry-facets"),
            self._on_facets_loaded,
        )

    def _on_facets_loaded(self, facets: tuple[list[str], list[str], list[int]]) -> None:
        categories, tags, volumes = facets
        self.categories, self.tags = list(categories), list(tags)
        _fill(self.category_filter, "Categories", [(c, c) for c in categories])
        _fill(self.tag_filter, "Tags", [(f"#{t}", t) for t in tags])
        _fill(self.volume_filter, "Volumes", [(f"Vol. {v:02d}", v) for v in volumes])
        self.facets_loaded.emit(list(categories), list(tags))

    def select_entry(self, entry_id: int | None) -> None:
        """Marks `entry_id` as the open entry; selects its row when the list holds it."""
        self._current_id = entry_id
        self.delegate.open_id = entry_id
        self.view.viewport().update()
        row = self.model.row_of(entry_id) if entry_id is not None else None
        selection = self.view.selectionModel()
        if row is None:
            selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
            return
        index = self.model.index(row, 0)
        if self.view.currentIndex() != index:
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)

    # -- several entries -------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        """The selected rows, in list order (of column 0, the list's: `selectedRows` wants every column)."""
        return sorted({index.row() for index in self.view.selectionModel().selectedIndexes()})

    def selected_summaries(self) -> list[EntrySummary]:
        model = self.model
        return [s for s in (model.summary_at(row) for row in self.selected_rows()) if s is not None]

    def selected_ids(self) -> list[int]:
        return [s.id for s in self.selected_summaries()]

    def select_ids(self, entry_ids: Iterable[int]) -> None:
        """Adds the loaded rows of `entry_ids` to the selection; the open entry stays the current one."""
        selection = QItemSelection()
        for first, last in row_runs(self.model.rows_of(entry_ids)):
            selection.select(self.model.index(first, 0), self.model.index(last, 0))
        self.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)

    def keep_selection(self, entry_ids: Iterable[int]) -> None:
        """Selects `entry_ids` once the list has been asked again (an undo brings rows back)."""
        self._kept = set(entry_ids)

    @contextlib.contextmanager
    def still(self) -> Iterator[None]:
        """Rows change under the selection (a bulk edit): nothing opens because of it."""
        self._following = False
        try:
            yield
        finally:
            self._following = True
        self.selection_bar.show_count(len(self.selected_rows()))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _current_filter(self) -> EntryFilter:
        button = self._status_group.checkedButton()
        status = button.property("status") if button else ALL
        return EntryFilter(
            status=status or None,
            category=self.category_filter.currentData() or None,
            tag=self.tag_filter.currentData() or None,
            volume=self.volume_filter.currentData(),
            trashed=self.showing_trash,
        )

    # -- slots -------------------------------------------------------------------------------

    def _on_filters_changed(self, *_args: object) -> None:
        self.model.set_filter(self._current_filter())

    def _on_search_timer_timeout(self) -> None:
        self.model.set_query(self.search.text())

    def _on_search_results_requested(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.model.set_query(self.search.text())
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.model.rowCount() and not self.view.currentIndex().isValid():
            # Explicitly one row: the view's own setCurrentIndex reads the modifiers still held
            # (Ctrl from the Ctrl+L that got here) and would add to a selection instead.
            self.view.selectionModel().setCurrentIndex(
                self.model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _on_view_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._follow_selection()

    def _on_view_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._follow_selection()

    def _follow_selection(self) -> None:
        """One selected entry opens; none selected, the current one does (the open row left the
        list and its neighbour took its place); several, the open entry stays."""
        if not self._following:
            return
        rows = self.selected_rows()
        self.selection_bar.show_count(len(rows))
        if len(rows) == 1:
            entry_id = self.model.index(rows[0], 0).data(ID_ROLE)
        elif not rows and self.view.currentIndex().isValid():
            entry_id = self.view.currentIndex().data(ID_ROLE)
        else:
            return
        if entry_id is not None and entry_id != self._current_id:
            self._current_id = entry_id
            self.entry_selected.emit(entry_id)

    def _on_selection_bar_clear_requested(self) -> None:
        self.select_entry(self._current_id)

    def _on_model_about_to_be_reset(self) -> None:
        if not self._kept:
            self._kept = set(self.selected_ids())

    def _on_model_reloaded(self) -> None:
        self._update_count()
        kept, self._kept = self._kept, set()
        with self.still():
            self.select_entry(self._current_id)
            if len(kept) > 1 or kept - {self._current_id}:
                self.select_ids(kept)

    def _update_count(self, *_args: object) -> None:
        if self.model.query:
            self.count_label.setText(f"{self.model.rowCount():,} found")
        else:
            total = self.model.total
            self.count_label.setText(f"{total:,} {'entry' if total == 1 else 'entries'}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.view and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_requested.emit()
                return True
            # Edit ▸ Select all reaches the list where the platform binds it; Ctrl+A is the list's
            # own where it binds nothing (offscreen) or Edit's shortcut is not in reach.
            if event.key() == Qt.Key.Key_A and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
                self.view.selectAll()
                return True
        return super().eventFilter(watched, event)


def _fill(combo: QComboBox, everything: str, items: list[tuple[str, object]]) -> None:
    """Refills a filter combo, keeping the writer's choice when it still exists."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for label, value in items:
        combo.addItem(label, value)
    at = combo.findData(chosen) if chosen is not None else 0
    combo.setCurrentIndex(max(at, 0))
    combo.blockSignals(False)
    if chosen is not None and at < 0:  # the chosen category is gone: show everything again
        combo.activated.emit(0)
