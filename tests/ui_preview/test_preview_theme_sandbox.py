"""The preview loads a theme only through the export's sandbox: a hostile theme beside the database runs nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from fieldnotes_desktop.app import build_main_window
from fieldnotes_desktop.config import theme_override_dir
from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export import PreviewPage
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.main_window import MainWindow

WELCOME = "Welcome to your field notes"  # the entry a first run opens on


def _hostile(pwned: Path) -> str:
    """A template that, rendered without the sandbox, creates `pwned`."""
    return "{{ lipsum.__globals__['os'].system('touch %s') }}{{ cycler.__init__.__globals__.os.system('touch %s') }}" % (
        pwned,
        pwned,
    )


def _write_theme(db_path: Path, files: dict[str, str]) -> Path:
    theme = theme_override_dir(db_path)
    theme.mkdir()
    for name, source in files.items():
        (theme / name).write_text(source, encoding="utf-8")
    return theme


@pytest.fixture
def open_window(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], MainWindow]]:
    """Builds the real main window over a database, as the app does; settings and logs stay in tmp_path."""
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = tmp_path / "home" / name.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(name, str(folder))
    windows: list[MainWindow] = []

    def opener(db_path: Path) -> MainWindow:
        window = build_main_window(db_path, settings_path=tmp_path / "settings.ini")
        windows.append(window)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.started, timeout=10000):
            window.show()
        qtbot.waitUntil(lambda: window.preview.is_started, timeout=5000)  # a moment after the window
        return window

    yield opener
    for window in windows:
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_preview_page_renders_a_hostile_theme_only_in_the_sandbox(services: Services, tmp_path: Path) -> None:
    pwned = tmp_path / "PWNED"
    hostile = _hostile(pwned)
    theme = _write_theme(services.db_path, {"entry.html": hostile, "_entry_header.html": hostile,
                                            "_entry_footer.html": hostile})
    entry = services.entries.create(EntryFields(title="Crossing the col", body="Ice at dawn."))
    context = services.exports.page_context(entry)
    page = PreviewPage(theme)
    for build in (page.shell_html, lambda: page.header_html(context), lambda: page.footer_html(context)):
        with pytest.raises(ExportFailed, match=r"^The template \S+\.html in the theme folder .+ is undefined\.$"):
            build()
    assert not pwned.exists()


def test_a_hostile_header_beside_the_database_runs_nothing_and_the_preview_shows_the_entry(
    open_window: Callable[[Path], MainWindow], tmp_path: Path, qtbot: Any
) -> None:
    pwned = tmp_path / "PWNED"
    db_path = tmp_path / "notes.db"
    _write_theme(db_path, {"_entry_header.html": _hostile(pwned), "_entry_footer.html": _hostile(pwned)})
    window = open_window(db_path)
    # The header and footer render on the preview's thread, which falls back to the title alone.
    qtbot.waitUntil(lambda: WELCOME in (window.preview.property("renderedHtml") or ""), timeout=15000)
    html = window.preview.property("renderedHtml")
    assert f'<h1 class="entry-title">{WELCOME}</h1>' in html
    assert "This is your first entry." in html  # the body still shows
    assert not pwned.exists()


def test_a_hostile_page_template_beside_the_database_runs_nothing_when_the_window_opens(
    open_window: Callable[[Path], MainWindow], tmp_path: Path
) -> None:
    pwned = tmp_path / "PWNED"
    db_path = tmp_path / "notes.db"
    theme = _write_theme(db_path, {"entry.html": _hostile(pwned)})
    # The preview builds its page from entry.html once the window has opened: the hostile page
    # is refused, the preview shows the built-in theme, and the window says why.
    window = open_window(db_path)
    assert window.preview.theme_error is not None
    assert window.preview.theme_error.startswith(f"The template entry.html in the theme folder {theme} ")
    assert not pwned.exists()


def test_the_window_opens_over_a_broken_theme_and_the_preview_still_shows_the_entry(
    open_window: Callable[[Path], MainWindow], tmp_path: Path, qtbot: Any
) -> None:
    db_path = tmp_path / "notes.db"
    _write_theme(db_path, {"entry.html": "{% for x in %}\n"})
    window = open_window(db_path)
    qtbot.waitUntil(lambda: WELCOME in (window.preview.property("renderedHtml") or ""), timeout=15000)
    assert window.preview.theme_error is not None and "entry.html" in window.preview.theme_error
    qtbot.waitUntil(lambda: "entry.html" in window.presenter.last_message, timeout=5000)
    assert "built-in theme" in window.presenter.last_message
