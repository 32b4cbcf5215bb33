"""Fixtures for driving the real app: a database file in tmp_path and the window built over it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.preview import prepare_webengine
from fieldnotes_desktop.ui.window_prompts import QuitChoice

prepare_webengine()  # the preview's URL scheme must be registered before the QApplication exists


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings, logs and data go under tmp_path, never into the real home folder."""
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = tmp_path / "home" / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))


@pytest.fixture(autouse=True)
def _no_key_held(qapp: QApplication) -> None:
    """No modifier left held by an earlier test: Qt keeps the last key event's modifiers, and with
    Ctrl still down (after a Ctrl+S) a click on the list adds to the selection instead of opening."""
    if qapp.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QLineEdit

        scratch = QLineEdit()
        QTest.keyClick(scratch, Qt.Key.Key_Escape)  # a key event with no modifier resets them
        scratch.deleteLater()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "notes.db"


@pytest.fixture
def seeded_db(db_path: Path) -> Path:
    """Three entries with different statuses, categories, tags and volumes."""
    services = open_services(db_path)
    try:
        entries = services.entries
        entries.create(EntryFields(title="Crossing the glacier", body="Crampons on at dawn; the ice groaned.",
                                   category="Mountains", status="finished", volume=8, tags=("ice", "alps"),
                                   date=dt.date(2025, 1, 19)))
        entries.create(EntryFields(title="Sourdough notes", body="The starter doubled overnight.",
                                   category="Kitchen", status="draft", volume=7, tags=("bread",),
                                   date=dt.date(2024, 11, 2)))
        entries.create(EntryFields(title="Night train to Vienna", body="Sleeper cabins and strong coffee.",
                                   category="Travel", status="finished", volume=8, tags=("rail", "alps"),
                                   date=dt.date(2024, 6, 5)))
    finally:
        services.close()
    return db_path


@pytest.fixture
def open_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Builds the real main window over a database and waits until it is usable."""
    from fieldnotes_desktop.app import build_main_window

    windows = []

    def opener(path: Path, settings: Path | None = None):  # type: ignore[no-untyped-def]
        window = build_main_window(path, settings_path=settings or tmp_path / "settings.ini")
        # pytest-qt closes the window at teardown: a modal question there would wait forever.
        # Tests of the question itself replace this answer with their own.
        window.ask_unsaved_on_quit = lambda _error: QuitChoice.DISCARD  # type: ignore[method-assign]
        windows.append(window)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.started, timeout=10000):
            window.show()
        qtbot.waitUntil(lambda: window.preview.is_started, timeout=5000)  # a moment after the window
        # On a real display (xcb under Xvfb) with no window manager nobody activates the window,
        # and window shortcuts and focus need an active window: do what the desktop would.
        window.activateWindow()
        window.raise_()
        # The window, or a notice it opened at once (a damaged file), holds the activation.
        qtbot.waitUntil(lambda: QApplication.activeWindow() is not None, timeout=5000)
        return window

    yield opener
    for window in windows:
        if not window._closed:
            window.desk.saver.pending.clear()  # a test that broke saving must not block close
            window.close()
        # Deleted now, as run_gui does: a window left to the interpreter's exit outlives the
        # QtWebEngine context and its page warns that its profile went first.
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs the `fieldnotes` command in a separate process, as another program would."""
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "fieldnotes_desktop", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=60)
