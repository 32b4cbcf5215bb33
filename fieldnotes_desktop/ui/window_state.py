"""Remembers the window between runs: geometry, pane sizes, theme and the last open entry."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

from fieldnotes_desktop.ui.theme import ThemeMode

if TYPE_CHECKING:  # main_window imports this module
    from fieldnotes_desktop.ui.main_window import MainWindow

DEFAULT_SIZE = (1440, 900)
DEFAULT_SHARES = (0.22, 0.39, 0.39)  # list, editor, preview


class WindowState:
    def __init__(self, settings: QSettings, db_path: Path) -> None:
        self._settings = settings
        # The last entry belongs to a database: another --db must not open a stranger's id.
        self._db_key = hashlib.sha1(str(db_path.resolve()).encode()).hexdigest()[:12]

    def theme(self) -> ThemeMode:
        value = str(self._settings.value("view/theme", ThemeMode.SYSTEM.value))
        return ThemeMode(value) if value in ThemeMode._value2member_map_ else ThemeMode.SYSTEM

    def save_theme(self, mode: ThemeMode) -> None:
        self._settings.setValue("view/theme", mode.value)

    def last_entry_id(self) -> int | None:
        value = self._settings.value(f"databases/{self._db_key}/last_entry")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def restore(self, window: MainWindow) -> None:
        geometry = self._settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry):
            pass
        else:
            window.resize(*DEFAULT_SIZE)
        splitter = window.splitter
        sizes = self._settings.value("window/splitter")
        if isinstance(sizes, list) and len(sizes) == splitter.count():
            splitter.setSizes([int(s) for s in sizes])
        else:
            width = window.width()
            splitter.setSizes([int(width * share) for share in DEFAULT_SHARES])
        details = self._settings.value("window/details_shown", True)
        window.metadata.details_toggle.setChecked(details in (True, "true"))

    def save(self, window: MainWindow, entry_id: int | None) -> None:
        self._settings.setValue("window/geometry", window.saveGeometry())
        self._settings.setValue("window/splitter", window.splitter.sizes())
        self._settings.setValue("window/details_shown",
                                window.metadata.details_toggle.isChecked())
        if entry_id is not None:
            self._settings.setValue(f"databases/{self._db_key}/last_entry", entry_id)
        self._settings.sync()
