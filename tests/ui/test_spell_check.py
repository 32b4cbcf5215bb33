"""The spell check in the real window: the word's menu, the personal dictionary, languages, no dictionary, the toggle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.render.spelling import NO_ENCHANT, Unavailable, load_speller
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.tasks import Changes, Op
from test_spell_marks import underlined

BODY = "Crampons on at dawn; the glaicer groaned.\n\nA second wrold, and `wrold` in code.\n"


def desk_with(db: Path, body: str = BODY, language: str = "", site_language: str = "") -> Path:
    services = open_services(db)
    try:
        if site_language:
            services.site.update(language=site_language)
        services.entries.create(EntryFields(title="On the ice", body=body, language=language))
    finally:
        services.close()
    return db


def first_marks(window) -> list[str]:  # type: ignore[no-untyped-def]
    """The underlined words of the editor's text, in order."""
    words = []
    block = window.editor.document().firstBlock()
    while block.isValid():
        words += [block.text()[a:b] for a, b in underlined(block)]
        block = block.next()
    return words


def checked(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Waits for the dictionary (it loads off the GUI thread once the window is up)."""
    qtbot.waitUntil(lambda: window.spelling.speller is not None, timeout=10000)


def menu_on(window, word: str):  # type: ignore[no-untyped-def]
    """The context menu of a right click in the middle of the first `word` of the text."""
    editor = window.editor
    at = editor.toPlainText().index(word) + len(word) // 2
    cursor = QTextCursor(editor.document())
    cursor.setPosition(at)
    return editor.context_menu_at(editor.cursorRect(cursor).center()), at


def texts(menu) -> list[str]:  # type: ignore[no-untyped-def]
    return [action.text() for action in menu.actions()]


def choose(window, word: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Right-clicks `word` and chooses `label` in its menu."""
    menu, _at = menu_on(window, word)
    next(action for action in menu.actions() if action.text() == label).trigger()


def marked(open_window, db: Path, qtbot, settings: Path | None = None):  # type: ignore[no-untyped-def]
    """The window over `db` once it has underlined BODY's two misspelled words."""
    window = open_window(db, settings)
    checked(qtbot, window)
    qtbot.waitUntil(lambda: first_marks(window) == ["glaicer", "wrold"], timeout=5000)
    return window


def test_the_window_underlines_misspelled_prose(open_window, db_path, qtbot):
    window = marked(open_window, desk_with(db_path), qtbot)
    assert window.spelling.speller.tag == "en_US"
    assert "English (en_US)" in window.commands.spell_check.toolTip()


def test_the_menu_offers_suggestions_and_a_choice_replaces_the_word_in_one_undo_step(open_window, db_path, qtbot):
    window = marked(open_window, desk_with(db_path), qtbot)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    menu, at = menu_on(window, "glaicer")
    assert window.editor.textCursor().position() == at  # the right click put the cursor on the word
    labels = texts(menu)
    assert "glacier" in labels[:6]
    copy = next(n for n, label in enumerate(labels) if "Copy" in label)  # Qt's own edit commands follow
    assert labels.index("Add to dictionary") < labels.index("Ignore") < copy
    choose(window, "glaicer", "glacier")
    assert window.editor.toPlainText().startswith("Crampons on at dawn; the glacier groaned.")
    qtbot.waitUntil(lambda: first_marks(window) == ["wrold"], timeout=5000)
    window.editor.undo()
    assert window.editor.toPlainText() == BODY


def test_no_word_menu_on_a_word_spelt_right(open_window, db_path, qtbot):
    window = open_window(desk_with(db_path))
    checked(qtbot, window)
    menu, _at = menu_on(window, "Crampons")
    assert "Add to dictionary" not in texts(menu) and "Ignore" not in texts(menu)


def test_ignore_lasts_for_the_session(open_window, db_path, qtbot, tmp_path):
    window = marked(open_window, desk_with(db_path), qtbot)
    choose(window, "wrold", "Ignore")
    assert first_marks(window) == ["glaicer"]
    window.close()
    marked(open_window, db_path, qtbot, tmp_path / "settings.ini")  # both underlined again


def test_a_word_added_to_the_dictionary_is_kept_in_the_database(open_window, db_path, qtbot, tmp_path):
    window = marked(open_window, desk_with(db_path), qtbot)
    choose(window, "glaicer", "Add to dictionary")
    qtbot.waitUntil(lambda: first_marks(window) == ["wrold"], timeout=5000)
    window.close()
    services = open_services(db_path)
    try:
        assert services.dictionary.words() == ["glaicer"]
    finally:
        services.close()
    again = open_window(db_path, tmp_path / "settings.ini")
    checked(qtbot, again)
    qtbot.waitUntil(lambda: first_marks(again) == ["wrold"], timeout=5000)


def test_a_german_entry_is_checked_in_german(open_window, db_path, qtbot):
    if isinstance(load_speller("de"), Unavailable):
        pytest.skip("no German dictionary here (apt install hunspell-de-de)")
    body = "Der Gletscher knarrte im Morgengrauen, und dann kam ein Fehlerwortt.\n"
    window = open_window(desk_with(db_path, body, language="de"))
    qtbot.waitUntil(lambda: window.spelling.speller is not None and window.spelling.speller.tag == "de_DE",
                    timeout=10000)
    qtbot.waitUntil(lambda: first_marks(window) == ["Fehlerwortt"], timeout=5000)
    # The entry's language cleared: the site's (English) checks it, and German words are wrong now.
    window.metadata.field_edited.emit("language", "")
    qtbot.waitUntil(lambda: window.spelling.speller is not None and window.spelling.speller.tag == "en_US",
                    timeout=10000)
    qtbot.waitUntil(lambda: "Gletscher" in first_marks(window), timeout=5000)


def test_the_site_language_is_followed_and_shown_in_the_entry_field(open_window, db_path, qtbot):
    if isinstance(load_speller("de"), Unavailable):
        pytest.skip("no German dictionary here (apt install hunspell-de-de)")
    window = open_window(desk_with(db_path, "Der Gletscher knarrte.\n", site_language="de"))
    qtbot.waitUntil(lambda: window.spelling.speller is not None and window.spelling.speller.tag == "de_DE",
                    timeout=10000)
    shown = window.metadata.language.lineEdit().placeholderText  # the wording is the panel's own
    assert "de" in shown() and "en" not in shown()
    assert first_marks(window) == []
    site = window.services.site
    window.tasks.run(Op(lambda: site.update(language="en"), Changes.SITE))  # as the Site settings dialog saves
    qtbot.waitUntil(lambda: window.spelling.speller is not None and window.spelling.speller.tag == "en_US",
                    timeout=10000)
    assert "en" in shown() and "de" not in shown()
    qtbot.waitUntil(lambda: "Gletscher" in first_marks(window), timeout=5000)


def test_no_dictionary_for_the_language_says_so_and_underlines_nothing(open_window, db_path, qtbot):
    if not isinstance(load_speller("nl"), Unavailable):
        pytest.skip("a Dutch dictionary is installed here")
    window = open_window(desk_with(db_path, language="nl"))
    sentence = "No Dutch (nl) dictionary is installed: install hunspell-nl to check spelling."
    qtbot.waitUntil(lambda: window.commands.spell_check.toolTip() == sentence, timeout=10000)
    assert window.commands.spell_check.statusTip() == sentence
    assert window.commands.spell_check.text() == "Check &spelling (no dictionary)"
    assert window.statusBar().currentMessage() == sentence
    assert window.spelling.speller is None and first_marks(window) == []


def test_without_enchant_spell_check_is_off_and_says_what_to_install(open_window, db_path, qtbot, monkeypatch):
    monkeypatch.setitem(sys.modules, "enchant", None)  # `import enchant` fails as without libenchant
    window = open_window(desk_with(db_path))
    qtbot.waitUntil(lambda: window.commands.spell_check.toolTip() == NO_ENCHANT, timeout=10000)
    assert window.statusBar().currentMessage() == NO_ENCHANT
    assert window.spelling.speller is None and first_marks(window) == []


def test_the_view_toggle_is_remembered(open_window, db_path, qtbot, tmp_path):
    window = open_window(desk_with(db_path))
    assert window.commands.spell_check.isChecked()  # on at first
    checked(qtbot, window)
    window.commands.spell_check.trigger()
    assert window.spelling.speller is None and first_marks(window) == []
    window.close()
    again = open_window(db_path, tmp_path / "settings.ini")
    assert not again.commands.spell_check.isChecked()
    qtbot.wait(300)
    assert again.spelling.speller is None and first_marks(again) == []
    again.commands.spell_check.trigger()
    checked(qtbot, again)
    qtbot.waitUntil(lambda: first_marks(again) == ["glaicer", "wrold"], timeout=5000)
