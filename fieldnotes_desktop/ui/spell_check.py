"""The spell check in the window: which language and dictionary, the writer's own words, the word's menu."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu

from fieldnotes_desktop.render.spelling import Speller, Unavailable, load_speller
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.editor import MarkdownEditor
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks

SPELLCHECK = QTextCharFormat.UnderlineStyle.SpellCheckUnderline
OFF_TIP = "Underline misspelled words of the prose, in the entry's language or else the site's"


class SpellCheck(QObject):
    """Follows the open entry's language (or else the site's) and hands the editor its dictionary.

    Dictionaries load on the compute lane (Enchant and a Hunspell dictionary take ~65 ms) and are
    kept per language for the session. The personal dictionary is read from the database once
    the desk is open, and again when another program may have changed it; a word added goes there
    on the database lane, a word ignored only into this session. The View action's text and tip
    say which dictionary checks, or in one sentence why none can.
    """

    state_changed = Signal(bool, str)  # a dictionary checks the text; the sentence that says which, or why none
    site_language_changed = Signal(str)  # the site's language code, once read and whenever it changes

    def __init__(self, tasks: Tasks, services: Services, editor: MarkdownEditor, action: QAction,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._services = services
        self._editor = editor
        self._action = action
        self._enabled = False
        self._started = False
        self._site_language = "en"
        self._entry_language = ""
        self._accepted: set[str] = set()  # the personal dictionary and the words ignored
        self._loaded: dict[str, Speller | Unavailable] = {}
        self.sentence = ""
        action.setToolTip(OFF_TIP)
        action.setStatusTip(OFF_TIP)
        editor.word_actions = self._word_actions
        tasks.changed.connect(self._on_tasks_changed)

    @property
    def language(self) -> str:
        """The language the text is checked in: the entry's own, else the site's."""
        return self._entry_language or self._site_language

    @property
    def speller(self) -> Speller | None:
        return self._editor.highlighter.speller

    def start(self) -> None:
        """The desk is open: read the site's language and the personal dictionary, then check."""
        self._started = True
        self._read_desk()

    def set_enabled(self, on: bool) -> None:
        self._enabled = on
        self._apply()

    def set_entry_language(self, code: str) -> None:
        """The open entry's language ("" follows the site)."""
        self._entry_language = code.strip()
        self._apply()

    def entry_field_edited(self, name: str, value: object) -> None:
        """An edit in the metadata panel: a new language for the entry checks it anew."""
        if name == "language":
            self.set_entry_language(str(value or ""))

    def add_word(self, word: str) -> None:
        """Into the personal dictionary (the database), then right everywhere."""
        services = self._services
        self._tasks.run(Op(lambda: services.dictionary.add(word)), self._accept)

    def ignore_word(self, word: str) -> None:
        """Right for the rest of this session only."""
        self._accept(word)

    # -- the dictionary in use ------------------------------------------------------------------

    def _read_desk(self) -> None:
        services = self._services

        def read() -> tuple[str, list[str]]:
            return services.site.get().language, services.dictionary.words()

        self._tasks.run(Op(read, key="spelling-desk"), self._on_desk_read)

    def _on_desk_read(self, found: tuple[str, list[str]]) -> None:
        language, words = found
        new = set(words) - self._accepted
        self._accepted |= new
        for loaded in self._loaded.values():
            if isinstance(loaded, Speller):
                for word in new:
                    loaded.accept(word)
        self._site_language = language
        self.site_language_changed.emit(language)
        self._apply(refresh=bool(new))

    def _apply(self, refresh: bool = False) -> None:
        if not (self._enabled and self._started):
            self._use(None)
            return
        language = self.language
        loaded = self._loaded.get(language)
        if loaded is None:
            self._use(None)  # not another language's dictionary while this one loads
            self._tasks.compute.submit("spelling-dictionary", lambda: load_speller(language), self._on_loaded)
        elif isinstance(loaded, Speller):
            self._use(loaded, refresh)
            self._say(True, loaded.description)
        else:
            self._use(None)
            self._say(False, loaded.reason)

    def _on_loaded(self, loaded: Speller | Unavailable) -> None:
        self._loaded[loaded.language] = loaded
        if isinstance(loaded, Speller):
            for word in self._accepted:
                loaded.accept(word)
        self._apply()

    def _use(self, speller: Speller | None, refresh: bool = False) -> None:
        if refresh or speller is not self.speller:
            self._editor.set_speller(speller)

    def _say(self, available: bool, sentence: str) -> None:
        self._action.setText("Check &spelling" if available else "Check &spelling (no dictionary)")
        self._action.setToolTip(sentence)
        self._action.setStatusTip(sentence)
        if sentence != self.sentence:
            self.sentence = sentence
            self.state_changed.emit(available, sentence)

    def _accept(self, word: str) -> None:
        self._accepted.add(word)
        for loaded in self._loaded.values():
            if isinstance(loaded, Speller):
                loaded.accept(word)
        self._use(self.speller, refresh=True)

    def _on_tasks_changed(self, changes: Changes) -> None:
        # The site dialog saved (SITE), or another program or a restored backup changed the desk.
        if self._started and changes & Changes.SITE:
            self._read_desk()

    # -- the context menu ----------------------------------------------------------------------

    def _word_actions(self, cursor: QTextCursor, menu: QMenu) -> list[QAction]:
        """Suggestions, Add to dictionary and Ignore, when the cursor is on a misspelled word."""
        speller = self.speller
        word_cursor = misspelled_at(cursor)
        if speller is None or word_cursor is None:
            return []
        word = word_cursor.selectedText()
        actions = []
        # A cursor's insertText ignores the editor's read-only state: a trashed entry gets no replacements.
        for suggestion in [] if self._editor.isReadOnly() else speller.suggest(word):
            action = QAction(suggestion, menu)
            font = QFont(action.font())
            font.setBold(True)
            action.setFont(font)
            action.triggered.connect(lambda _on=False, s=suggestion: word_cursor.insertText(s))  # one undo step
            actions.append(action)
        if not actions and not self._editor.isReadOnly():
            none = QAction("No suggestions", menu)
            none.setEnabled(False)
            actions.append(none)
        add = QAction("Add to dictionary", menu)
        add.setStatusTip(f"“{word}” is right from now on, in every entry (kept with your writing)")
        add.triggered.connect(lambda: self.add_word(word))
        ignore = QAction("Ignore", menu)
        ignore.setStatusTip(f"“{word}” is right until Field Notes closes")
        ignore.triggered.connect(lambda: self.ignore_word(word))
        return [*actions, add, ignore]


def misspelled_at(cursor: QTextCursor) -> QTextCursor | None:
    """A cursor selecting the underlined word at `cursor` (touching its end counts), or None."""
    block = cursor.block()
    at = cursor.position() - block.position()
    runs = sorted((r.start, r.start + r.length) for r in block.layout().formats()
                  if r.format.underlineStyle() == SPELLCHECK)
    words: list[list[int]] = []
    for start, end in runs:  # a word in two formats (half of it bold) is two runs side by side
        if words and words[-1][1] == start:
            words[-1][1] = end
        else:
            words.append([start, end])
    for start, end in words:
        if start <= at <= end:
            found = QTextCursor(block)
            found.setPosition(block.position() + start)
            found.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
            return found
    return None
