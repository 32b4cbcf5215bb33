"""The writer's desk: which entry is open, and what new, duplicate, trash and restore do to it."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from fieldnotes_desktop.errors import EntryConflict, FieldnotesError, ValidationError
from fieldnotes_desktop.records import Entry, EntryChanges, EntryFields, EntrySummary
from fieldnotes_desktop.render import reading_minutes
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.editor import MarkdownEditor
from fieldnotes_desktop.ui.entry_list import EntryListPanel
from fieldnotes_desktop.ui.idle_collector import IdleCollector
from fieldnotes_desktop.ui.image_paste import ImagePaste
from fieldnotes_desktop.ui.metadata import MetadataPanel
from fieldnotes_desktop.ui.preview import PreviewView
from fieldnotes_desktop.ui.preview.live_document import LineEdit
from fieldnotes_desktop.ui.save_controller import SaveController
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks
from fieldnotes_desktop.ui.text_mirror import TextMirror
from fieldnotes_desktop.ui.word_counter import WordCounter, describe


class Desk(QObject):
    """Keeps the list, the metadata, the editor and the preview showing the same entry."""

    entry_opened = Signal(object)  # the Entry now in the editor
    entry_closed = Signal()  # nothing is open (the last entry went to the trash)
    word_count_changed = Signal(str)  # "629 words · 3 min read"
    words_today_changed = Signal(int)  # words the saves added today (net)
    conflict_shown = Signal(object)  # EntryConflict of the open entry: its stored text changed under the writer's
    conflict_cleared = Signal()
    message = Signal(str)  # a passing note for the status bar

    def __init__(self, services: Services, tasks: Tasks, entry_list: EntryListPanel,
                 metadata: MetadataPanel, editor: MarkdownEditor, preview: PreviewView,
                 present_error: Callable[[BaseException], None], parent: QObject | None = None) -> None:
        super().__init__(parent)  # the window: the desk and its timers go when the widgets do
        self._services = services
        self._tasks = tasks
        self._list = entry_list
        self._metadata = metadata
        self._editor = editor
        self._preview = preview
        self._present_error = present_error
        self._entry: Entry | None = None
        self._stored_slug = ""
        self._loading = False
        # The editor's text as lines, kept by its change signal: nothing here copies the document.
        self.mirror = TextMirror(editor.document(), self)
        self._edits: list[LineEdit] = []  # for the preview, since its last push
        self._reread = False  # the mirror read the whole text afresh: the preview takes it whole
        preview.set_text_source(lambda: self.mirror.text)
        self.saver = SaveController(tasks, services, lambda: self.mirror.text, self)
        self.collector = IdleCollector(self)
        self.words = WordCounter(tasks.compute, lambda: self.mirror.text, self)
        # One push per burst: 20 ms lets a burst of keystrokes (typing fast, key repeat, paste
        # plus autoindent) coalesce into one re-render instead of one per event-loop pass.
        self._preview_push = QTimer(self, singleShot=True, interval=20)

        self.mirror.edited.connect(self._on_mirror_edited)
        self.mirror.replaced.connect(self._on_mirror_replaced)
        self.images = ImagePaste(services, tasks, editor, preview,
                                 lambda: self._entry.id if self._entry is not None else None, present_error, self)
        self.images.message.connect(self.message)
        metadata.field_edited.connect(self._on_metadata_field_edited)
        entry_list.entry_selected.connect(self.open_entry)
        self.saver.entry_saved.connect(self._on_saver_entry_saved)
        self.saver.save_rejected.connect(self._on_saver_save_rejected)
        self.saver.conflicted.connect(self._on_saver_conflicted)
        self.words.counted.connect(self._on_words_counted)
        self._preview_push.timeout.connect(self._on_preview_push_timeout)
        preview.entry_link_clicked.connect(self.open_slug)
        editor.scrolled_to_line.connect(preview.scroll_to_line)  # at book length, keep both at one place

    @property
    def entry(self) -> Entry | None:
        """The open entry as the writer sees it now (unsaved edits included, body excepted)."""
        return self._entry

    # -- opening -----------------------------------------------------------------------------

    def open_entry(self, entry_id: int) -> None:
        if self._entry is not None and self._entry.id == entry_id:
            return
        entries = self._services.entries
        self._tasks.run(Op(lambda: entries.get(entry_id), key="open-entry"), self.show_entry)

    def open_slug(self, slug: str) -> None:
        entries = self._services.entries
        self._tasks.run(Op(lambda: entries.get_by_slug(slug), key="open-entry"), self.show_entry)

    def show_entry(self, entry: Entry, *, keep_place: bool = False) -> None:
        """Puts `entry` in the editor, after queuing the save of what was there.

        `keep_place` (the same entry, reloaded): the cursor and the scroll stay where they were.
        """
        self.commit_edits()
        self.saver.flush()
        overlay = self.saver.pending_fields(entry.id)  # typed earlier, not stored yet
        if overlay:
            entry = dataclasses.replace(entry, **overlay)
        self.saver.set_current(entry.id, entry.version)
        self.words.forget()  # a count of the previous text must not land on this entry
        if self._entry is None or self._entry.id != entry.id or entry.id not in self.saver.conflicts:
            self.conflict_cleared.emit()
        same = self._entry is not None and self._entry.id == entry.id
        self._entry = entry
        self._stored_slug = entry.slug
        place = self._editor.textCursor().position(), self._editor.verticalScrollBar().value()
        if not same:
            self._preview.show_entry(entry)  # first: its page renders while the editor fills
        with self._quiet():
            self._editor.set_text(entry.body)
            self._metadata.set_entry(entry)
        self._edits.clear()
        self._reread = False
        self.collector.typed()  # what the entry before held is collected at the next pause
        text = self.mirror.text  # as the editor holds it (a no-break space reads as a space)
        if same or text != entry.body:
            entry = dataclasses.replace(entry, body=text)
            self._preview.set_body(text)
        if keep_place:
            cursor = self._editor.textCursor()
            cursor.setPosition(min(place[0], len(entry.body)))
            self._editor.setTextCursor(cursor)
            self._editor.verticalScrollBar().setValue(place[1])
        read_only = entry.trashed
        self._editor.setReadOnly(read_only)
        self._metadata.set_read_only(read_only)
        if same:
            self._preview.show_entry(entry)
        self._list.select_entry(entry.id)
        self.word_count_changed.emit(describe(entry.words, entry.reading_minutes, entry.word_goal))
        if overlay:
            self.words.count_now()
        else:
            self.words.opened(text)
        # Today's words again (a new day's after midnight); the first screen's waits for the
        # window to be up, as the store opens only then.
        if self._services.store_is_open:
            self.count_words_today()
        self.entry_opened.emit(entry)

    def commit_edits(self) -> None:
        """Hands the saver what is typed but not yet sent (a slug being edited): before a flush."""
        self._metadata.commit_pending_edits()

    def close_entry(self) -> None:
        self.commit_edits()
        self.saver.flush()
        self.saver.set_current(None)
        self.words.forget()
        self._entry = None
        with self._quiet():
            self._editor.set_text("")
        self._editor.setReadOnly(True)
        self._metadata.set_read_only(True)
        self._preview.clear()
        self._list.select_entry(None)
        self.word_count_changed.emit("")
        self.entry_closed.emit()

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Loading text is not an edit: nothing is marked unsaved while it happens."""
        self._loading = True
        try:
            yield
        finally:
            self._loading = False

    # -- commands ----------------------------------------------------------------------------

    def new_entry(self) -> None:
        if self._list.showing_trash:
            self._list.show_trash(False)
        entries = self._services.entries
        self.commit_edits()
        self.saver.flush()
        self._tasks.run(Op(lambda: entries.create(EntryFields(title="")), Changes.ENTRIES), self._on_created)

    def duplicate_entry(self) -> None:
        if self._entry is None:
            return
        entry_id, entries = self._entry.id, self._services.entries
        self.commit_edits()
        self.saver.flush()  # the copy carries the text as it is on screen
        self._tasks.run(Op(lambda: entries.duplicate(entry_id), Changes.ENTRIES), self._on_created)

    def trash_entry(self) -> None:
        if self._entry is None or self._entry.trashed:
            return
        entry_id, entries = self._entry.id, self._services.entries
        row = self._list.model.row_of(entry_id)
        self.commit_edits()
        self.saver.flush()
        self._tasks.run(Op(lambda: entries.trash(entry_id), Changes.ENTRIES | Changes.FACETS),
                        lambda _summary: self._on_left_list(row, "Moved to the trash."))

    def restore_entry(self) -> None:
        if self._entry is None or not self._entry.trashed:
            return
        entry_id, entries = self._entry.id, self._services.entries
        row = self._list.model.row_of(entry_id)
        self._tasks.run(Op(lambda: entries.restore(entry_id), Changes.ENTRIES | Changes.FACETS),
                        lambda _summary: self._on_left_list(row, "Restored from the trash."))

    def empty_trash(self) -> None:
        entries = self._services.entries
        open_in_trash = self._entry is not None and self._entry.trashed
        if open_in_trash and self._entry is not None:
            self.saver.forget(self._entry.id)
        self._tasks.run(Op(entries.empty_trash, Changes.ENTRIES | Changes.FACETS), self._on_trash_emptied)
        if open_in_trash:
            self.close_entry()

    def take_stored_values(self, changed: Iterable[EntrySummary], field: str) -> None:
        """A bulk edit from the list (or its undo) stored a new `field` for these entries: the open
        one shows it, what is typed and unsaved stays, and its saves go on from the version the
        edit left (it was flushed before, as switching entries does)."""
        entry = self._entry
        mine = next((s for s in changed if entry is not None and s.id == entry.id), None)
        if entry is None or mine is None:
            return
        self.saver.adopt_version(mine.id, mine.version - 1, mine.version)
        self._entry = dataclasses.replace(entry, version=mine.version, **{field: getattr(mine, field)})
        with self._quiet():
            self._metadata.set_entry(self._entry)
        # The page's header shows the category and the volume.
        self._preview.show_entry(dataclasses.replace(self._entry, body=self.mirror.text))

    def move_on(self, entry_id: int | None) -> None:
        """The open entry left the list (to the trash, or out of it): open `entry_id` instead, or nothing."""
        if entry_id is None:
            self.close_entry()
            return
        self._entry = None
        # Until the neighbour is loaded nothing is open: keystrokes would go nowhere.
        self._editor.setReadOnly(True)
        self._metadata.set_read_only(True)
        self.open_entry(entry_id)

    def refresh_preview(self) -> None:
        """The site settings changed (author card, now text): redraw the page around the text."""
        if self._entry is not None:
            self._preview.show_entry(dataclasses.replace(self._entry, body=self.mirror.text))

    def reload_all(self) -> None:
        """The whole database was replaced (a backup restored): forget what was open, show it anew."""
        current = self._entry.id if self._entry is not None else None
        if current is not None:
            self.saver.forget(current)
        self._entry = None
        entries = self._services.entries

        def find() -> Entry | None:
            if current is not None:
                try:
                    found = entries.get(current)
                    if not found.trashed:
                        return found
                except FieldnotesError:  # not in the backup: open the newest instead
                    pass
            newest = entries.list_summaries(limit=1)
            return entries.get(newest[0].id) if newest else None

        self._tasks.run(Op(find, key="open-entry"),
                        lambda entry: self.show_entry(entry) if entry else self.close_entry())

    def stop(self) -> None:
        """The window is closing: no timer may reach the widgets after this."""
        self._preview_push.stop()
        self.words.shutdown()
        self.collector.stop()

    # -- other writers -----------------------------------------------------------------------

    def check_stored_version(self) -> None:
        """Another process changed the database: reload the open entry, or say it changed under the writer."""
        entry = self._entry
        base = self.saver.base_version(entry.id) if entry is not None else None
        if entry is None or base is None:
            return
        services, entry_id = self._services, entry.id

        def look() -> tuple[EntryChanges, Entry | None]:  # on the lane, where the store opens
            entries = services.entries
            changes = entries.changes_since({entry_id: base})
            return changes, entries.get(entry_id) if entry_id in changes.changed else None

        self._tasks.run(Op(look, key="stored-version"), lambda found: self._on_stored_version(entry_id, *found))

    def _on_stored_version(self, entry_id: int, changes: EntryChanges, stored: Entry | None) -> None:
        if self._entry is None or self._entry.id != entry_id:
            return
        if entry_id in changes.removed:
            self.saver.forget(entry_id)
            self.close_entry()
            self.message.emit("The entry was deleted elsewhere; its last text is in your backups.")
            return
        if stored is None or stored.version == self.saver.base_version(entry_id):
            return
        if self.saver.has_unsaved_for(entry_id):
            # Mine stays on screen; the choice is the writer's, and the next save would be refused.
            self.saver.mark_conflict(EntryConflict(entry_id, stored))
            return
        self.show_entry(stored, keep_place=True)
        self._list.model.update_summary(stored.summary_record())
        self.message.emit("Updated with the changes made elsewhere.")

    def keep_mine(self) -> None:
        if self._entry is not None:
            self.saver.keep_mine(self._entry.id)
            self.conflict_cleared.emit()

    def take_theirs(self) -> None:
        if self._entry is None:
            return
        conflict = self.saver.conflicts.get(self._entry.id)
        if conflict is None:
            return
        # Mine goes into History first, so "use theirs" loses nothing either.
        entries, entry_id = self._services.entries, self._entry.id
        title, body = self._metadata.title.text(), self.mirror.text
        self._tasks.run(Op(lambda: entries.keep_text(entry_id, title, body)),
                        lambda _revision: self._show_theirs(conflict))

    def _show_theirs(self, conflict: EntryConflict) -> None:
        if self._entry is None or self._entry.id != conflict.entry_id:
            return
        self.saver.take_theirs(conflict.stored)
        self.show_entry(conflict.stored, keep_place=True)
        self._list.model.update_summary(conflict.stored.summary_record())
        self.message.emit("Showing the text stored elsewhere; yours is in the History.")

    def _on_saver_conflicted(self, conflict: EntryConflict) -> None:
        if self._entry is not None and conflict.entry_id == self._entry.id:
            self.conflict_shown.emit(conflict)
        else:
            self.message.emit(conflict.message)

    def snapshot(self) -> None:
        self.saver.save_now(snapshot="manual")
        self.message.emit("Snapshot kept in the history.")

    def apply_restored(self, entry: Entry) -> None:
        """A revision was put back by the history dialog: show it as the stored text."""
        if self._entry is not None and entry.id == self._entry.id:
            self.saver.forget(entry.id)
            self._entry = None
        self._preview.start_afresh()  # from its top, not half-way down the text it replaced
        self.show_entry(entry)
        self._list.model.update_summary(entry.summary_record())

    # -- slots -------------------------------------------------------------------------------

    def _on_created(self, entry: Entry) -> None:
        self.show_entry(entry)  # the list hears of the new row from the dispatcher
        self._metadata.title.setFocus()

    def _on_left_list(self, row: int | None, note: str) -> None:
        """The open entry left the list shown (trashed or restored): open its neighbour."""
        self.message.emit(note)
        model = self._list.model
        left = self._entry.id if self._entry is not None else None
        neighbour = None
        if row is not None:
            neighbour = model.summary_at(row + 1) or model.summary_at(row - 1)
        else:
            # Not in the list yet (made a moment ago, the list still loading): the top entry, then.
            neighbour = next((s for s in (model.summary_at(0), model.summary_at(1)) if s and s.id != left), None)
        self.move_on(neighbour.id if neighbour is not None else None)

    def leave_trash(self) -> None:
        """The trash view is closing: a trashed entry open there gives way to the list's first
        entry once it is shown, not left open, read-only, with keystrokes going nowhere."""
        if self._entry is None or not self._entry.trashed:
            return
        model = self._list.model

        def open_first() -> None:
            model.reloaded.disconnect(open_first)
            if self._entry is not None and not self._entry.trashed:
                return  # the writer opened one meanwhile
            first = model.summary_at(0)
            if first is None:
                self.close_entry()
            else:
                self._entry = None
                self.open_entry(first.id)

        model.reloaded.connect(open_first)

    def _on_trash_emptied(self, count: int) -> None:
        self.message.emit(f"{count} {'entry' if count == 1 else 'entries'} deleted for good.")

    def _on_mirror_edited(self, edit: LineEdit) -> None:
        # The mirror's edits, not the editor's `textChanged`: that one also fires for the
        # highlighter's formats, and a format is not an edit to save.
        self._edits.append(edit)
        self._text_edited()

    def _text_edited(self) -> None:
        if self._loading or self._entry is None:
            return
        self.collector.typed()
        self.saver.body_changed()
        self.words.text_changed()
        if not self._preview_push.isActive():
            self._preview_push.start()

    def _on_mirror_replaced(self) -> None:
        self._edits.clear()
        self._reread = True
        self._text_edited()

    def _on_preview_push_timeout(self) -> None:
        if self._reread:
            self._reread = False
            self._edits.clear()
            self._preview.set_body(self.mirror.text)
        elif self._edits:
            edits, self._edits[:] = list(self._edits), []
            self._preview.apply_edits(edits)

    def _on_metadata_field_edited(self, name: str, value: Any) -> None:
        if self._entry is None:
            return
        self.saver.field_changed(name, value)
        self._entry = dataclasses.replace(self._entry, **{name: value})
        if name in ("reading_minutes", "word_goal"):
            entry = self._entry
            self.word_count_changed.emit(describe(entry.words, entry.reading_minutes, entry.word_goal))
        # The page's header shows title, date, category, volume, elevation: redraw it.
        self._preview.show_entry(dataclasses.replace(self._entry, body=self.mirror.text))

    def count_words_today(self) -> None:
        """Asks the database for today's words; `words_today_changed` answers."""
        services = self._services
        self._tasks.run(Op(lambda: services.entries.words_today(), key="words-today"), self.words_today_changed.emit)

    def _on_saver_entry_saved(self, entry: Entry) -> None:
        self._list.model.update_summary(entry.summary_record())
        self.count_words_today()
        if self._entry is not None and entry.id == self._entry.id:
            self._stored_slug = entry.slug

    def _on_saver_save_rejected(self, entry_id: int, error: FieldnotesError) -> None:
        if (isinstance(error, ValidationError) and error.field == "slug" and self._entry is not None
                and entry_id == self._entry.id
                and "slug" not in self.saver.pending_fields(entry_id)):  # no newer slug typed since
            self._metadata.revert_slug(self._stored_slug)
            self._entry = dataclasses.replace(self._entry, slug=self._stored_slug)
        self._present_error(error)

    def _on_words_counted(self, words: int) -> None:
        entry = self._entry
        override = entry.reading_minutes if entry else None
        self.word_count_changed.emit(describe(words, override, entry.word_goal if entry else None))
        if entry is None or entry.words == words:
            return
        self._entry = dataclasses.replace(entry, words=words)
        if reading_minutes(words, override) != reading_minutes(entry.words, override):
            # The page's meta line says "N min read": redraw the header when N moves.
            self._preview.show_entry(dataclasses.replace(self._entry, body=self.mirror.text))
