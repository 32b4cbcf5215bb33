"""The entry's metadata above the text: title, slug, category, status, date and time, volume, elevation,
tags, its language, word goal, author, cover image and old addresses."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QDateEdit, QGridLayout, QLabel, QLineEdit, QSpinBox, QToolButton,
    QVBoxLayout, QWidget,
)

from fieldnotes_desktop.records import DRAFT, FINISHED, SCHEDULED, Entry
from fieldnotes_desktop.render.entry_slugs import slugify
from fieldnotes_desktop.services.schedule import moment_of

NO_VOLUME = -1
NO_ELEVATION = -11001
AUTO_MINUTES = 0
NO_GOAL = 0
# Offered in the Language field; any other code may be typed.
COMMON_LANGUAGES = ("en", "en-GB", "de", "fr", "es", "it", "nl", "pt", "pt-BR", "sv", "pl")
PANEL_MARGIN = 28
TITLE_TEXT_INSET = 3  # a QLineEdit draws its text this far in from its edge


class TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma, keeping the ones before it."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt override)
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802
        field = self.widget()
        assert isinstance(field, QLineEdit)  # only ever set on the tags field
        done = field.text().split(",")[:-1]
        return ", ".join([t.strip() for t in done if t.strip()] + [str(index.data())]) + ", "


def _spin(name: str, accessible: str, low: int, high: int, special: str, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setAccessibleName(accessible)
    spin.setRange(low, high)
    spin.setSpecialValueText(special)  # shown at the minimum: "no value"
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    spin.setKeyboardTracking(False)
    return spin


class MetadataPanel(QWidget):
    """Edits go out as `field_edited(name, value)` with the value in `EntryFields` terms."""

    field_edited = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metadataPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._loading = False
        self._slug_follows_title = False
        self._language = ""

        self.title = QLineEdit(placeholderText="Title")
        self.title.setObjectName("titleField")
        self.title.setAccessibleName("Title")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        title_font.setWeight(QFont.Weight.Bold)
        self.title.setFont(title_font)
        self.details_toggle = QToolButton()
        self.details_toggle.setText("Details")
        self.details_toggle.setCheckable(True)
        self.details_toggle.setChecked(True)
        self.details_toggle.setObjectName("detailsToggle")
        self.details_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.details_toggle.setAutoRaise(True)

        self.category = QComboBox(editable=True)
        self.category.setObjectName("categoryField")
        self.category.setAccessibleName("Category")
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # An editable combo box always has both; the stubs allow for a non-editable one.
        category_edit, category_completer = self.category.lineEdit(), self.category.completer()
        assert category_edit is not None and category_completer is not None
        category_edit.setPlaceholderText("Category")
        category_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        category_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.status = QComboBox()
        self.status.setObjectName("statusField")
        self.status.setAccessibleName("Status")
        self.status.addItem("Draft", DRAFT)
        self.status.addItem("Scheduled", SCHEDULED)
        self.status.addItem("Finished", FINISHED)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setObjectName("dateField")
        self.date.setAccessibleName("Date")
        self.date.setDisplayFormat("MMM d, yyyy")
        # Under the date, shown for a scheduled entry and for one that has a time of day already.
        self.time = QLineEdit(placeholderText="00:00")
        self.time.setObjectName("timeField")
        self.time.setAccessibleName("Time of day")
        self.time.setToolTip("The time of day, like 09:00 (your local time) or 09:00+01:00; "
                             "empty: the start of the day")
        self.time.hide()
        self.volume = _spin("volumeField", "Volume", NO_VOLUME, 99, "—")
        self.elevation = _spin("elevationField", "Elevation in metres", NO_ELEVATION, 9000, "—", " m")
        self.reading = _spin("readingField", "Reading time override in minutes", AUTO_MINUTES,
                             999, "auto", " min")
        self.word_goal = _spin("wordGoalField", "Word goal", NO_GOAL, 1_000_000, "none", " words")
        self.word_goal.setSingleStep(100)
        self.language = QComboBox(editable=True)
        self.language.setObjectName("languageField")
        self.language.setAccessibleName("Language of this entry")
        self.language.setToolTip("For the spell check; empty writes in the site's language")
        self.language.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.language.addItems(["", *COMMON_LANGUAGES])
        self.author = QLineEdit(placeholderText="the site's")
        self.author.setObjectName("authorField")
        self.author.setAccessibleName("Author of this entry")
        self.cover = QLineEdit(placeholderText="an image's name")
        self.cover.setObjectName("coverField")
        self.cover.setAccessibleName("Cover image")
        self.cover.setToolTip("A stored image's name (as in the text's assets/…) or an address")
        self.aliases = QLineEdit(placeholderText="/2019/05/old-address/")
        self.aliases.setToolTip("Addresses this entry had on another site; the export writes a redirect at each")
        self.aliases.setObjectName("aliasesField")
        self.aliases.setAccessibleName("Old addresses")
        self.tags = QLineEdit(placeholderText="tag, another tag")
        self.tags.setObjectName("tagsField")
        self.tags.setAccessibleName("Tags")
        self._tag_names = QStringListModel()
        self._tag_completer = TagCompleter(self._tag_names, self.tags)
        self._tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags.setCompleter(self._tag_completer)
        self.slug = QLineEdit()
        self.slug.setObjectName("slugField")
        self.slug.setAccessibleName("Slug (the page's address)")
        self.summary = QLineEdit(placeholderText="One sentence for lists and the feed")
        self.summary.setObjectName("summaryField")
        self.summary.setAccessibleName("Summary")

        self.details = QWidget()
        grid = QGridLayout(self.details)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        # The time has rows of its own under the date: beside it, a narrow window would leave it
        # too little room for "07:30:00+01:00". Hidden, its rows take no space.
        cells = [
            ("Category", self.category, 0, 0, 2), ("Status", self.status, 0, 2, 2),
            ("Date", self.date, 0, 4, 2),
            ("Time", self.time, 2, 4, 2),
            ("Tags", self.tags, 4, 0, 2), ("Volume", self.volume, 4, 2, 1),
            ("Elevation", self.elevation, 4, 3, 1), ("Reading time", self.reading, 4, 4, 2),
            ("Slug", self.slug, 6, 0, 2), ("Summary", self.summary, 6, 2, 4),
            ("Author", self.author, 8, 0, 2), ("Cover", self.cover, 8, 2, 2),
            ("Word goal", self.word_goal, 8, 4, 2),
            ("Language", self.language, 10, 0, 2), ("Old addresses", self.aliases, 10, 2, 4),
        ]
        for label, widget, row, column, span in cells:
            caption = QLabel(label)
            caption.setBuddy(widget)
            if widget is self.time:
                self._time_caption = caption
                caption.hide()
            grid.addWidget(caption, row, column, 1, span)
            grid.addWidget(widget, row + 1, column, 1, span)
        for column in range(6):
            grid.setColumnStretch(column, 1)

        title_row = QGridLayout()
        title_row.addWidget(self.title, 0, 0)
        title_row.addWidget(self.details_toggle, 0, 1, Qt.AlignmentFlag.AlignVCenter)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(PANEL_MARGIN, 14, PANEL_MARGIN, 12)
        layout.setSpacing(8)
        layout.addLayout(title_row)
        layout.addWidget(self.details)

        self.details_toggle.toggled.connect(self._on_details_toggle_toggled)
        self.title.textEdited.connect(self._on_title_edited)
        self.category.editTextChanged.connect(lambda text: self._emit("category", text.strip()))
        self.status.activated.connect(self._on_status_activated)
        self.date.dateChanged.connect(self._on_date_changed)
        self.time.editingFinished.connect(self._on_time_editing_finished)
        self.volume.valueChanged.connect(
            lambda v: self._emit("volume", None if v == NO_VOLUME else v))
        self.elevation.valueChanged.connect(
            lambda v: self._emit("elevation_m", None if v == NO_ELEVATION else v))
        self.reading.valueChanged.connect(
            lambda v: self._emit("reading_minutes", None if v == AUTO_MINUTES else v))
        self.word_goal.valueChanged.connect(
            lambda v: self._emit("word_goal", None if v == NO_GOAL else v))
        language_edit = self.language.lineEdit()
        assert language_edit is not None
        language_edit.editingFinished.connect(self._on_language_chosen)
        self.language.activated.connect(lambda _i: self._on_language_chosen())
        self.tags.textEdited.connect(lambda text: self._emit("tags", parse_tags(text)))
        self.slug.editingFinished.connect(self._on_slug_editing_finished)
        self.summary.textEdited.connect(lambda text: self._emit("summary", text))
        self.author.textEdited.connect(lambda text: self._emit("author", text.strip()))
        self.cover.textEdited.connect(lambda text: self._emit("cover", text.strip()))
        self.aliases.editingFinished.connect(self._on_aliases_editing_finished)

    # -- loading -----------------------------------------------------------------------------

    def set_entry(self, entry: Entry) -> None:
        self._loading = True
        try:
            self.title.setText(entry.title)
            self.title.setCursorPosition(0)
            self.category.setEditText(entry.category)
            _show_start(self.category)
            self.status.setCurrentIndex(max(0, self.status.findData(entry.status)))
            self.date.setDate(QDate(entry.date.year, entry.date.month, entry.date.day))
            self.time.setText(entry.published_time)
            self.time.setCursorPosition(0)
            self.time.setModified(False)
            self.volume.setValue(NO_VOLUME if entry.volume is None else entry.volume)
            self.elevation.setValue(NO_ELEVATION if entry.elevation_m is None else entry.elevation_m)
            self.reading.setValue(entry.reading_minutes or AUTO_MINUTES)
            self.word_goal.setValue(entry.word_goal or NO_GOAL)
            self.language.setEditText(entry.language)
            self._language = entry.language
            self.tags.setText(", ".join(entry.tags))
            self.slug.setText(entry.slug)
            self.slug.setCursorPosition(0)
            self.summary.setText(entry.summary)
            self.summary.setCursorPosition(0)
            self.author.setText(entry.author)
            self.cover.setText(entry.cover)
            self.aliases.setText(" ".join(entry.aliases))
            self.aliases.setModified(False)
            # A draft's address follows its title until the writer sets one by hand.
            self._slug_follows_title = entry.status == DRAFT and (
                entry.slug.startswith("untitled") or entry.slug == slugify(entry.title or "untitled")
            )
        finally:
            self._loading = False
        self._show_schedule()

    def set_completions(self, categories: list[str], tags: list[str]) -> None:
        current = self.category.currentText()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItems(categories)
        self.category.setEditText(current)
        _show_start(self.category)
        self.category.blockSignals(False)
        self._tag_names.setStringList(tags)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.title, self.tags, self.slug, self.summary, self.author, self.cover, self.aliases,
                       self.time):
            widget.setReadOnly(read_only)
        for other in (self.category, self.status, self.date, self.volume, self.elevation,
                      self.reading, self.word_goal, self.language):
            other.setEnabled(not read_only)

    def revert_slug(self, slug: str) -> None:
        self._loading = True
        self.slug.setText(slug)
        self._slug_follows_title = False
        self._loading = False

    def commit_pending_edits(self) -> None:
        """Sends a slug still being typed: closing or switching entries flushes the save before
        focus leaves the field, so waiting for editingFinished would lose it (a language too)."""
        self._on_slug_editing_finished()
        self._on_language_chosen()
        self._on_aliases_editing_finished()
        self._on_time_editing_finished()

    # -- edits -------------------------------------------------------------------------------

    def _emit(self, name: str, value: object) -> None:
        if not self._loading:
            self.field_edited.emit(name, value)

    def _on_title_edited(self, text: str) -> None:
        self._emit("title", text)
        if self._slug_follows_title and text.strip():
            self.slug.setText(slugify(text))
            self._emit("slug", self.slug.text())

    def set_site_language(self, code: str) -> None:
        """The language an entry without its own is written in, shown in the empty field."""
        line = self.language.lineEdit()
        if line is not None:
            line.setPlaceholderText(code)  # grey: the site's, until the entry has one of its own
        self.language.setToolTip(f"For the spell check; empty writes in the site's language ({code})")

    def _on_language_chosen(self) -> None:
        code = self.language.currentText().strip()
        if code != self._language:
            self._language = code
            self._emit("language", code)

    def _on_status_activated(self, _index: int) -> None:
        self._show_schedule()
        self._emit("status", self.status.currentData())

    def _on_date_changed(self, day: QDate) -> None:
        self._show_schedule()
        self._emit("date", day.toPython())

    def _on_time_editing_finished(self) -> None:
        # When the writer is done, not per key: "07:" on the way to "07:30" is no time yet.
        if self.time.isModified():
            self.time.setModified(False)
            self._show_schedule()
            self._emit("published_time", self.time.text().strip())

    def _show_schedule(self) -> None:
        """The time beside the date while it matters, and when a scheduled entry goes out."""
        scheduled = self.status.currentData() == SCHEDULED
        shown = scheduled or bool(self.time.text().strip())
        self.time.setVisible(shown)
        self._time_caption.setVisible(shown)
        if not scheduled:
            self.status.setToolTip("")
            return
        date = self.date.date()
        day = dt.date(date.year(), date.month(), date.day())
        moment = moment_of(day, self.time.text()).astimezone()  # in the writer's own time
        self.status.setToolTip(f"Scheduled for {moment:%b} {moment.day}, {moment:%Y, %H:%M}: "
                               "the first export or publish after that puts it on the site")

    def _on_aliases_editing_finished(self) -> None:
        if self.aliases.isModified():
            self.aliases.setModified(False)
            self._emit("aliases", parse_addresses(self.aliases.text()))

    def _on_slug_editing_finished(self) -> None:
        if self.slug.isModified():
            self.slug.setModified(False)
            self._slug_follows_title = False
            self._emit("slug", self.slug.text().strip())

    def set_title_only(self, on: bool, column_left: int | None = None) -> None:
        """Focus mode: the title stays, over the text's column; the details and their toggle step aside."""
        self.details_toggle.setVisible(not on)
        self.details.setVisible(not on and self.details_toggle.isChecked())
        margins = self._layout.contentsMargins()
        # the line edit keeps a few pixels of its own before the text
        left = max(0, column_left - TITLE_TEXT_INSET) if on and column_left is not None else PANEL_MARGIN
        self._layout.setContentsMargins(left, margins.top(), margins.right(), margins.bottom())

    def _on_details_toggle_toggled(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)


def parse_addresses(text: str) -> tuple[str, ...]:
    """Old addresses typed one after another, by spaces or commas (an address has neither)."""
    return tuple(dict.fromkeys(part for part in text.replace(",", " ").split() if part))


def parse_tags(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))


def _show_start(combo: QComboBox) -> None:
    """A narrow field shows its value's start ("Mountai"), not its end ("ountains")."""
    line = combo.lineEdit()
    if line is not None:
        line.setCursorPosition(0)
