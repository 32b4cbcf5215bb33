"""The main window: entry list, editor with its metadata, the live preview, menus and status bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QPaintEvent, QShortcut
from PySide6.QtWidgets import (QApplication, QFontDialog, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QSplitter, QStackedWidget, QVBoxLayout,
                               QWidget)

from fieldnotes_desktop.errors import FieldnotesError
from fieldnotes_desktop.records import Entry, EntrySummary, ImportReport
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.actions import Actions, build_menus, create_actions
from fieldnotes_desktop.ui.bulk_edit import BulkEdits
from fieldnotes_desktop.ui.conflict_bar import ConflictBar
from fieldnotes_desktop.ui.desk import Desk
from fieldnotes_desktop.ui.desk_care import DeskCare
from fieldnotes_desktop.ui.dialog_launcher import DialogLauncher
from fieldnotes_desktop.ui.editor import MarkdownEditor
from fieldnotes_desktop.ui.entry_exports import EntryExports
from fieldnotes_desktop.ui.entry_list import EntryListPanel
from fieldnotes_desktop.ui.errors import ErrorPresenter
from fieldnotes_desktop.ui.external_changes import ExternalChanges
from fieldnotes_desktop.ui.find_bar import FindBar
from fieldnotes_desktop.ui.finding_jump import FindingJump
from fieldnotes_desktop.ui.outline import Outline
from fieldnotes_desktop.ui.instance import InstanceLock
from fieldnotes_desktop.ui.metadata import MetadataPanel
from fieldnotes_desktop.ui.preview import PreviewView
from fieldnotes_desktop.ui.preview.view import DARK_PAPER, LIGHT_PAPER
from fieldnotes_desktop.ui.scheduled_releases import ScheduledReleases
from fieldnotes_desktop.ui.spell_check import SpellCheck
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks
from fieldnotes_desktop.ui.theme import Colors, ThemeController, ThemeMode
from fieldnotes_desktop.ui.window_prompts import QuitChoice, ask_unsaved_on_quit, damage_notice
from fieldnotes_desktop.ui.window_state import WindowState
from fieldnotes_desktop.ui.word_counter import describe_today

if TYPE_CHECKING:
    from fieldnotes_desktop.services.maintenance import BackupInfo, IntegrityReport

# The list's first page, how many entries it has in all, and the entry to open, read from the
# file before the store opened (the composition root's `first_look`).
FirstLook = tuple[list[EntrySummary], int, Entry | None]

QUIT_WAIT_S = 5.0
# A window shown but never painted (never exposed by the desktop) is taken as usable after this.
FIRST_PAINT_WAIT_MS = 1000
HISTORY_WAIT_S = 2.0  # the writer waits this long for the text to be saved before History


class MainWindow(QMainWindow):
    """Lays the parts out and routes commands; the entry logic lives in `Desk`.

    Every collaborator comes from the composition root (`app.build_main_window`).
    """

    started = Signal()  # the first entry is open (or there is none) and on screen: the window is usable

    def __init__(self, *, services: Services, tasks: Tasks, desk: Desk, entry_list: EntryListPanel,
                 metadata: MetadataPanel, editor: MarkdownEditor, preview: PreviewView,
                 theme: ThemeController, state: WindowState, presenter: ErrorPresenter,
                 instance: InstanceLock | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Field Notes")
        self.services = services
        self.tasks = tasks
        self.desk = desk
        self.entry_list = entry_list
        self.metadata = metadata
        self.editor = editor
        self.preview = preview
        self.theme = theme
        self.state = state
        self.presenter = presenter
        self._instance = instance
        self._closed = False
        self._maximized_before = False  # how to come back from full screen
        self._painted = False
        self._start_pending = False  # the first entry is open; `started` waits for the first paint
        self.dialogs: DialogLauncher | None = None  # set by the composition root, which parents it here
        self.care: DeskCare | None = None
        self.external: ExternalChanges | None = None  # other writers' changes, noticed once a second
        self.releases: ScheduledReleases | None = None  # scheduled entries made finished when due
        self.damage_box: QMessageBox | None = None

        self.find_bar = FindBar(editor)
        self.conflict_bar = ConflictBar()
        self.editor_pane = QWidget()
        self.editor_pane.setObjectName("editorPane")
        self.editor_pane.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        pane = QVBoxLayout(self.editor_pane)
        pane.setContentsMargins(0, 0, 0, 0)
        pane.setSpacing(0)
        pane.addWidget(metadata)
        pane.addWidget(self.conflict_bar)
        self.outline = Outline(editor)
        text_row = QHBoxLayout()
        text_row.setSpacing(0)
        text_row.addWidget(self.outline)
        text_row.addWidget(editor, 1)
        pane.addLayout(text_row, 1)
        pane.addWidget(self.find_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        # Until the preview starts, its place shows blank paper and the view has no parent: a web
        # view shown or hidden before it has a page makes a default one, and starting the browser
        # for that one cost ~0.15 s at start-up.
        self.preview_pane = QStackedWidget()
        self.preview_pane.setObjectName("previewPane")
        self._paper = QWidget()
        self._paper.setObjectName("previewPaper")
        self.preview_pane.addWidget(self._paper)
        for widget in (entry_list, self.editor_pane, self.preview_pane):
            self.splitter.addWidget(widget)
        entry_list.setMinimumWidth(max(200, entry_list.minimumSizeHint().width()))  # its filters, whole
        self.editor_pane.setMinimumWidth(320)
        self.preview_pane.setMinimumWidth(240)
        self.setCentralWidget(self.splitter)

        self.word_count_label = QLabel()
        self.word_count_label.setObjectName("wordCountLabel")
        self.word_count_label.setAccessibleName("Word count")
        self.today_label = QLabel()
        self.today_label.setObjectName("todayWordsLabel")
        self.today_label.setAccessibleName("Words written today")
        self.today_label.setToolTip("Words your saves added to the desk today, less the ones they deleted")
        self.save_state_label = QLabel("Saved")
        self.save_state_label.setObjectName("saveStateLabel")
        self.save_state_label.setAccessibleName("Save state")
        self.bulk = BulkEdits(services, tasks, entry_list, desk, self)  # the list's bulk edits and their Undo
        self.statusBar().addPermanentWidget(self.bulk.notice)
        self.statusBar().addPermanentWidget(self.today_label)
        self.statusBar().addPermanentWidget(self.word_count_label)
        self.statusBar().addPermanentWidget(self.save_state_label)
        self.statusBar().setSizeGripEnabled(False)

        # `commands`, not `actions`: an attribute of that name hides the QWidget.actions() method.
        self.commands = create_actions(self)
        build_menus(self.menuBar(), self.commands)
        self.spelling = SpellCheck(tasks, services, editor, self.commands.spell_check, self)
        self.entry_exports = EntryExports(services, tasks, presenter.present, self)
        self.finding_jump = FindingJump(desk, editor, self)  # a check's finding, opened at its line
        self._connect(self.commands)

    # -- wiring ------------------------------------------------------------------------------

    def _connect(self, a: Actions) -> None:
        desk = self.desk
        a.new.triggered.connect(desk.new_entry)
        a.duplicate.triggered.connect(desk.duplicate_entry)
        a.trash.triggered.connect(self.bulk.trash_requested)  # the selection, when several are selected
        a.trash.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # Delete edits text elsewhere
        self.entry_list.view.addAction(a.trash)
        a.restore.triggered.connect(desk.restore_entry)
        a.empty_trash.triggered.connect(self._on_empty_trash_triggered)
        a.show_trash.toggled.connect(self._on_show_trash_toggled)
        a.quit.triggered.connect(self.close)
        a.save.triggered.connect(lambda: desk.saver.save_now(snapshot="manual"))
        a.snapshot.triggered.connect(desk.snapshot)
        a.undo.triggered.connect(self.editor.undo)
        a.redo.triggered.connect(self.editor.redo)
        a.undo.setEnabled(False)
        a.redo.setEnabled(False)
        self.editor.undoAvailable.connect(a.undo.setEnabled)
        self.editor.redoAvailable.connect(a.redo.setEnabled)
        for action, kind in ((a.bold, "bold"), (a.italic, "italic"), (a.link, "link"), (a.code, "code")):
            action.triggered.connect(lambda _checked=False, kind=kind: self.editor.format_selection(kind))
        for action, name in ((a.cut, "cut"), (a.copy, "copy"), (a.paste, "paste"), (a.select_all, "selectAll")):
            action.triggered.connect(lambda _checked=False, name=name: _in_focus(name))
        a.find.triggered.connect(lambda: self.find_bar.open_find(replace=False))
        a.replace.triggered.connect(lambda: self.find_bar.open_find(replace=True))
        a.find_entry.triggered.connect(self.entry_list.focus_search)
        a.focus_mode.toggled.connect(self.set_focus_mode)
        a.full_screen.toggled.connect(self.set_full_screen)
        a.typewriter.toggled.connect(self._on_typewriter_toggled)
        a.dim_others.toggled.connect(self._on_dim_others_toggled)
        a.spell_check.toggled.connect(self._on_spell_check_toggled)
        self.spelling.state_changed.connect(self._on_spelling_state_changed)
        self.spelling.site_language_changed.connect(self.metadata.set_site_language)
        self.metadata.field_edited.connect(self.spelling.entry_field_edited)
        a.outline.toggled.connect(self._on_outline_toggled)
        a.show_list.toggled.connect(self._on_show_list_toggled)
        a.show_preview.toggled.connect(self._on_show_preview_toggled)
        a.zoom_in.triggered.connect(lambda: self._zoom(1))
        a.zoom_out.triggered.connect(lambda: self._zoom(-1))
        a.zoom_reset.triggered.connect(lambda: self._zoom(0))
        a.editor_font.triggered.connect(self._on_editor_font_triggered)
        self.editor.column_moved.connect(self._on_editor_column_moved)
        for action, mode in ((a.theme_system, ThemeMode.SYSTEM), (a.theme_light, ThemeMode.LIGHT),
                             (a.theme_dark, ThemeMode.DARK)):
            action.triggered.connect(lambda _checked=False, m=mode: self._choose_theme(m))
            action.setChecked(self.theme.mode is mode)
        a.history.triggered.connect(self._on_history_triggered)
        a.restore_backup.triggered.connect(self._on_restore_backup_triggered)
        a.export.triggered.connect(lambda: self.dialogs and self.dialogs.export())
        a.export_markdown.triggered.connect(lambda: self.dialogs and self.dialogs.markdown_export())
        a.export_pdf.triggered.connect(self._on_export_pdf_triggered)
        a.copy_html.triggered.connect(lambda: self.entry_exports.copy_html(self.editor.toPlainText()))
        self.entry_exports.message.connect(lambda text: self.statusBar().showMessage(text, 4000))
        a.site_settings.triggered.connect(lambda: self.dialogs and self.dialogs.site())
        a.publish.triggered.connect(self._on_publish_triggered)
        a.check_site.triggered.connect(self._on_check_site_triggered)
        a.about.triggered.connect(lambda: self.dialogs and self.dialogs.about())
        a.cheat_sheet.triggered.connect(lambda: self.dialogs and self.dialogs.cheat_sheet())
        a.shortcuts.triggered.connect(lambda: self.dialogs and self.dialogs.shortcuts(a.commands()))
        a.import_files.triggered.connect(self._on_import_triggered)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._on_escape_pressed,
                  context=Qt.ShortcutContext.WindowShortcut)

        self.entry_list.open_requested.connect(lambda: self.editor.setFocus())
        self.entry_list.restore_requested.connect(desk.restore_entry)
        self.entry_list.empty_trash_requested.connect(self._on_empty_trash_triggered)
        self.entry_list.facets_loaded.connect(self.metadata.set_completions)
        self.metadata.title.textEdited.connect(self._show_title)  # as it is typed, not once saved
        desk.word_count_changed.connect(self.word_count_label.setText)
        desk.words_today_changed.connect(lambda words: self.today_label.setText(describe_today(words)))
        desk.message.connect(lambda text: self.statusBar().showMessage(text, 4000))
        desk.entry_opened.connect(self._on_desk_entry_opened)
        desk.entry_closed.connect(self._on_desk_entry_closed)
        desk.saver.state_changed.connect(self._on_saver_state_changed)
        desk.conflict_shown.connect(self.conflict_bar.show_conflict)
        desk.conflict_cleared.connect(self.conflict_bar.clear)
        self.conflict_bar.keep_mine_requested.connect(desk.keep_mine)
        self.conflict_bar.use_theirs_requested.connect(desk.take_theirs)
        self.conflict_bar.compare_requested.connect(self._on_conflict_compare_requested)
        self.theme.theme_changed.connect(self._on_theme_changed)
        if self._instance is not None:
            self._instance.raise_requested.connect(self._on_instance_raise_requested)
        self._on_theme_changed(self.theme.colors)
        self._on_desk_entry_closed()

    # -- start and stop ----------------------------------------------------------------------

    def start(self, first_run_body: Callable[[], Entry | None] | None = None,
              first_look: FirstLook | None = None) -> None:
        """Fills the list and opens the last entry (or the welcome entry on a first run).

        Given `first_look`, the list and the entry come from it, without asking the database:
        the window is usable once it has painted them, before the store has opened.
        """
        self.state.restore(self, self.splitter, self.metadata.details_toggle)
        self.editor.set_writing_font(*self.state.editor_font())
        for action, name in ((self.commands.typewriter, "typewriter"), (self.commands.dim_others, "dim_others"),
                             (self.commands.outline, "outline")):
            action.setChecked(self.state.flag(name))
        self.commands.spell_check.setChecked(self.state.flag("spell_check", default=True))
        # shown unless the writer hid them (the flags say hidden, so a first start shows both)
        self.commands.show_list.setChecked(not self.state.flag("hide_list"))
        self.commands.show_preview.setChecked(not self.state.flag("hide_preview"))
        if first_look is not None:
            page, total, shown = first_look
            self.entry_list.model.fill(page, total)
            if shown is not None:
                self.desk.show_entry(shown)
            QTimer.singleShot(0, self._started)  # once shown, like an answer from the lane
            return
        self.entry_list.model.reload()  # the filters' values come once the window is usable
        last = self.state.last_entry_id()
        entries = self.services.entries

        def first_entry() -> tuple[Entry | None, bool]:
            welcome = first_run_body() if first_run_body is not None else None
            if welcome is not None:
                return welcome, True
            if last is not None:
                try:
                    found = entries.get(last)
                    if not found.trashed:
                        return found, False
                except FieldnotesError:  # deleted since: fall back to the newest entry
                    pass
            newest = entries.list_summaries(limit=1)
            return (entries.get(newest[0].id) if newest else None), False

        def opened(result: tuple[Entry | None, bool]) -> None:
            entry, welcomed = result
            if welcomed:
                self.entry_list.refresh()
            if entry is not None:
                self.desk.show_entry(entry)
            self._started()

        def failed(error: BaseException) -> None:
            self.presenter.present(error)
            self._started()  # usable all the same: the writer can still reach Restore from Backup

        self.tasks.run(Op(first_entry), opened, failed)

    def _started(self) -> None:
        """The first entry is open: the window is usable once that is on screen."""
        self._start_pending = True
        if self._painted or not self.isVisible():
            self._announce_started()  # painted already, or not shown: nothing to wait for
        else:
            QTimer.singleShot(FIRST_PAINT_WAIT_MS, self._announce_started)  # unless painted before

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            if self._start_pending:
                # The list and the editor are painted in this same frame, after the window.
                QTimer.singleShot(0, self._announce_started)

    def _announce_started(self) -> None:
        if not self._start_pending:
            return
        self._start_pending = False
        self.started.emit()
        if self._closed:
            return
        self.spelling.start()  # its dictionary loads once the first screen is up
        self.desk.count_words_today()
        # At 100k entries the categories and volumes take tens of milliseconds the writer should
        # not wait for before the window is usable.
        self.entry_list.refresh_facets()
        # After the first screen is painted (a timer fires after the paint events queued now):
        # the preview's theme, renderer and page take ~0.3 s the writer need not wait for.
        QTimer.singleShot(0, self._start_preview)

    def _start_preview(self) -> None:
        if self._closed:
            return
        self.preview.start()
        self.preview_pane.addWidget(self.preview)
        self.preview_pane.setCurrentWidget(self.preview)
        if self.preview.theme_error:
            self.presenter.show_message(
                f"{self.preview.theme_error}\n\nUntil it is fixed, the preview shows the built-in "
                "theme, and exporting stops at the same error.", "Theme")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self._closed:
            event.accept()
            return
        saver = self.desk.saver
        self.desk.commit_edits()  # a slug still being typed: focus has not left its field
        saved = saver.flush_and_wait(QUIT_WAIT_S)
        while not saved:
            choice = self.ask_unsaved_on_quit(saver.last_error)
            if choice is QuitChoice.CANCEL:
                saver.flush()  # keep trying in the background while the writer decides
                event.ignore()
                return
            if choice is QuitChoice.DISCARD:
                break
            saved = saver.flush_and_wait(QUIT_WAIT_S)
        self.state.save(self, self.splitter, self.metadata.details_toggle,
                        self.desk.entry.id if self.desk.entry else None)
        self._closed = True
        self.desk.stop()
        if self.care is not None:
            self.care.stop()
        if self.external is not None:
            self.external.stop()
        if self.releases is not None:
            self.releases.stop()
        self.preview.shutdown()  # the page goes now, before its profile
        # Long jobs (an export) cancelled and awaited, then the lanes, then the database closes.
        self.tasks.shutdown(QUIT_WAIT_S)
        if self._instance is not None:
            self._instance.release()
        event.accept()

    def ask_unsaved_on_quit(self, error: BaseException | None) -> QuitChoice:
        """The last changes could not be written: the writer decides, text is never dropped silently."""
        reason = self.presenter.message_for(error) if error else "the database did not answer"
        return ask_unsaved_on_quit(self, reason)

    # -- view --------------------------------------------------------------------------------

    def set_focus_mode(self, on: bool) -> None:
        """The title, the text and its word count: the list, the preview, the details and the
        menus step aside (their shortcuts keep working)."""
        self.menuBar().setVisible(not on)
        self.entry_list.setVisible(not on and self.commands.show_list.isChecked())
        self.preview_pane.setVisible(not on and self.commands.show_preview.isChecked())
        self.outline.set_shown(not on and self.commands.outline.isChecked())
        self.metadata.set_title_only(on, self.editor.column_left())
        if self.commands.focus_mode.isChecked() != on:
            self.commands.focus_mode.setChecked(on)
        self.editor.setFocus()

    def _on_typewriter_toggled(self, on: bool) -> None:
        self.editor.set_typewriter(on)
        self.state.save_flag("typewriter", on)

    def _on_dim_others_toggled(self, on: bool) -> None:
        self.editor.set_dimming(on)
        self.state.save_flag("dim_others", on)

    def _on_spell_check_toggled(self, on: bool) -> None:
        self.spelling.set_enabled(on)
        self.state.save_flag("spell_check", on)

    def _on_spelling_state_changed(self, available: bool, sentence: str) -> None:
        if not available:  # the writer hears once why nothing is underlined
            self.statusBar().showMessage(sentence, 8000)

    def _on_show_list_toggled(self, on: bool) -> None:
        self.entry_list.setVisible(on and not self.commands.focus_mode.isChecked())
        self.state.save_flag("hide_list", not on)

    def _on_show_preview_toggled(self, on: bool) -> None:
        self.preview_pane.setVisible(on and not self.commands.focus_mode.isChecked())
        self.state.save_flag("hide_preview", not on)

    def _on_outline_toggled(self, on: bool) -> None:
        self.outline.set_shown(on)
        self.state.save_flag("outline", on)

    def _zoom(self, steps: int) -> None:
        size = self.editor.zoom(steps)
        self.state.save_editor_font(self.editor.chosen_family(), size)
        self.statusBar().showMessage(f"Writing at {size:g} pt", 2000)

    def _on_editor_font_triggered(self) -> None:
        chosen = self.ask_font(self.editor.font())
        if chosen is not None:
            self.editor.set_writing_font(chosen.family(), chosen.pointSizeF())
            self.state.save_editor_font(self.editor.chosen_family(), self.editor.font().pointSizeF())

    def ask_font(self, current: QFont) -> QFont | None:
        """The writer's choice of face (a test answers for them)."""
        ok, font = QFontDialog.getFont(current, self, "Writing font")
        return font if ok else None

    def _on_editor_column_moved(self, left: int) -> None:
        if self.commands.focus_mode.isChecked():
            self.metadata.set_title_only(True, left)

    def set_full_screen(self, on: bool) -> None:
        if on and not self.isFullScreen():
            self._maximized_before = self.isMaximized()
            self.showFullScreen()
        elif not on and self.isFullScreen() and self._maximized_before:
            self.showMaximized()
        elif not on and self.isFullScreen():
            self.showNormal()
        if self.commands.full_screen.isChecked() != on:
            self.commands.full_screen.setChecked(on)

    def _choose_theme(self, mode: ThemeMode) -> None:
        self.theme.set_mode(mode)
        self.state.save_theme(mode)

    def _on_theme_changed(self, colors: Colors) -> None:
        self.editor.set_colors(colors)
        self.entry_list.set_colors(colors)
        self.preview.set_dark(colors.dark)
        self._paper.setStyleSheet(f"#previewPaper {{ background: {DARK_PAPER if colors.dark else LIGHT_PAPER}; }}")

    def _on_escape_pressed(self) -> None:
        if self.commands.focus_mode.isChecked() or self.commands.full_screen.isChecked():
            self.set_focus_mode(False)
            self.set_full_screen(False)
        elif self.find_bar.isVisible():
            self.find_bar.close_bar()

    # -- slots -------------------------------------------------------------------------------

    def _on_saver_state_changed(self, state: str, text: str) -> None:
        self.save_state_label.setText(text)
        failed = state == "failed"
        if self.save_state_label.property("failed") != failed:
            self.save_state_label.setProperty("failed", failed)
            self.save_state_label.style().unpolish(self.save_state_label)
            self.save_state_label.style().polish(self.save_state_label)

    def _on_desk_entry_opened(self, entry: Entry) -> None:
        for action in (self.commands.duplicate, self.commands.history, self.commands.snapshot,
                       self.commands.save, self.commands.export_pdf):
            action.setEnabled(not entry.trashed)
        self.commands.copy_html.setEnabled(True)
        self.commands.trash.setEnabled(not entry.trashed)
        self.commands.restore.setEnabled(entry.trashed)
        self.spelling.set_entry_language(entry.language)
        self._show_title(entry.title)

    def _show_title(self, title: str) -> None:
        self.setWindowTitle(f"{title.strip() or 'Untitled'} — Field Notes")

    def _on_desk_entry_closed(self) -> None:
        for action in (self.commands.duplicate, self.commands.history, self.commands.snapshot,
                       self.commands.save, self.commands.trash, self.commands.restore,
                       self.commands.export_pdf, self.commands.copy_html):
            action.setEnabled(False)
        self.setWindowTitle("Field Notes")

    def _on_show_trash_toggled(self, shown: bool) -> None:
        if not shown:
            self.desk.leave_trash()
        self.entry_list.show_trash(shown)
        self.commands.empty_trash.setEnabled(shown)

    def _on_empty_trash_triggered(self) -> None:
        if self.confirm("Empty the trash?",
                        "The entries in the trash and their history will be deleted for good."):
            self.desk.empty_trash()

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _on_instance_raise_requested(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def _on_history_triggered(self) -> None:
        entry = self.desk.entry
        if entry is None or self.dialogs is None:
            return
        # The history shows (and a restore keeps) what is on screen; a restore replaces the
        # entry and forgets its unsaved text, so it is offered only once that text is stored.
        if self._saved_first("History", "The history opens once they are saved, so that restoring "
                             "an earlier version cannot replace them.", entry.id):
            self.dialogs.history(entry.id, self.metadata.title.text(), self.editor.toPlainText())

    def _on_export_pdf_triggered(self) -> None:
        entry = self.desk.entry
        if entry is not None and self._saved_first(
                "Export as PDF", "The PDF is made once they are saved, so that it shows them.", entry.id):
            self.entry_exports.export_pdf(entry.id, entry.slug)

    def _on_publish_triggered(self) -> None:
        if self.dialogs is not None:
            self.dialogs.publish(self._flush_edits, self.finding_jump.go,
                                 lambda report: self.statusBar().showMessage(report.summary(), 10000))

    def _on_check_site_triggered(self) -> None:
        if self.dialogs is not None:
            self.dialogs.checks(self._flush_edits, self.finding_jump.go)

    def _flush_edits(self) -> None:
        self.desk.commit_edits()
        self.desk.saver.flush()

    def _on_conflict_compare_requested(self) -> None:
        conflict = self.conflict_bar.conflict
        if conflict is not None and self.dialogs is not None:
            self.dialogs.compare(conflict.stored.body, self.editor.toPlainText())

    def _on_restore_backup_triggered(self) -> None:
        if self.dialogs is not None and self._saved_first(
                "Restore from Backup", "Backups can be restored once they are saved, so that the copy "
                "kept aside holds them."):
            self.dialogs.backups()

    def _saved_first(self, title: str, why: str, entry_id: int | None = None) -> bool:
        """Saves what is typed and waits for it; says so and returns False if it cannot be stored."""
        self.desk.commit_edits()
        saver = self.desk.saver
        if saver.flush_and_wait(HISTORY_WAIT_S):
            return True
        if entry_id is not None and not saver.pending_fields(entry_id):
            return True  # only other entries are waiting: this one is stored
        saver.flush()  # flush_and_wait stopped the retries: keep trying in the background
        reason = self.presenter.message_for(saver.last_error) if saver.last_error \
            else "the database did not answer"
        self.presenter.show_message(
            f"Your latest changes could not be saved: {reason}\n\n{why} Your text stays on screen.", title)
        return False

    def after_restore(self, backup: BackupInfo, aside: Path) -> None:
        from fieldnotes_desktop.ui.dialogs.backups import describe_moment

        """A backup replaced the database: the open entry is shown anew, and the writer hears where the old one went."""
        self.desk.reload_all()
        self.presenter.show_message(
            f"The entries are back as they were on {describe_moment(backup.taken_at)}.\n\n"
            f"The database as it was before is kept in {aside}; Restore from Backup lists it too, "
            "so this can be undone.", "Backup restored")

    def show_database_damaged(self, report: IntegrityReport) -> None:
        """The check at open found damage: say so, offer the latest backup, let the writer go on."""
        self.damage_box = damage_notice(self, self.services.db_path, report, self._on_restore_backup_triggered)

    def show_care_note(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_import_triggered(self) -> None:
        """Files or a folder (a Jekyll or Hugo site too), previewed before anything is stored."""
        if self.dialogs is not None:
            self.dialogs.import_entries(self._on_imported)

    def _on_imported(self, report: ImportReport) -> None:
        self.statusBar().showMessage(f"{len(report.created)} entries imported.", 5000)
        self.tasks.changed.emit(Changes.ENTRIES | Changes.FACETS | Changes.ASSETS)
        if report.created:
            self.desk.open_entry(report.created[0].id)


def _in_focus(name: str) -> None:
    """Edit ▸ Cut, Copy, Paste, Select all: for whichever text field has the focus."""
    method = getattr(QApplication.focusWidget(), name, None)
    if callable(method):
        method()
