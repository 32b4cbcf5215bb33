"""Remembers the window between runs: geometry, pane sizes, theme and the last open entry."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QAbstractButton, QMainWindow, QSplitter

from fieldnotes_desktop.ui.theme import ThemeMode

DEFAULT_SIZE = (1440, 900)
EXPORT_FOLDER_KEY = "export/folder"  # the last folder exported to (the export dialog keeps it)
DEFAULT_SHARES = (0.22, 0.39, 0.39)  # list, editor, preview


class WindowState:
    """One per window, built by the composition root; it is handed the widgets it remembers."""

    def __init__(self, settings: QSettings, db_path: Path) -> None:
        self.settings = settings  # the one settings file of the app, shared with its dialogs
        self._settings = settings
        # The last entry belongs to a database: another --db must not open a stranger's id.
        self._db_key = hashlib.sha1(str(db_path.resolve()).encode()).hexdigest()[:12]

    def writer_name(self) -> str | None:
        """The name this computer's writer gave (`[writer] name`), or None to use the account's."""
        name = str(self._settings.value("writer/name", "") or "").strip()
        return name or None

    def theme(self) -> ThemeMode:
        value = str(self._settings.value("view/theme", ThemeMode.SYSTEM.value))
        return ThemeMode(value) if value in ThemeMode._value2member_map_ else ThemeMode.SYSTEM

    def save_theme(self, mode: ThemeMode) -> None:
        self._settings.setValue("view/theme", mode.value)

    def editor_font(self) -> tuple[str | None, float | None]:
        """The writing face's family (None: the house choice) and size, as last chosen."""
        family = self._settings.value("view/editor_family")
        try:
            size = float(self._settings.value("view/editor_size", 0)) or None  # type: ignore[arg-type]
        except (TypeError, ValueError):
            size = None
        return (str(family) if family else None), size

    def save_editor_font(self, family: str | None, size: float) -> None:
        self._settings.setValue("view/editor_family", family or "")
        self._settings.setValue("view/editor_size", size)

    def flag(self, name: str, default: bool = False) -> bool:
        """A View toggle as the writer left it (`typewriter`, `dim_others`); `default` at first."""
        return self._settings.value(f"view/{name}", default) in (True, "true")

    def save_flag(self, name: str, on: bool) -> None:
        self._settings.setValue(f"view/{name}", on)

    def last_entry_id(self) -> int | None:
        value = self._settings.value(f"databases/{self._db_key}/last_entry")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def restore(self, window: QMainWindow, splitter: QSplitter, details: QAbstractButton) -> None:
        geometry = self._settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry):
            pass
        else:
            window.resize(*DEFAULT_SIZE)
        sizes = self._settings.value("window/splitter")
        if isinstance(sizes, list) and len(sizes) == splitter.count():
            splitter.setSizes([int(s) for s in sizes])
        else:
            width = window.width()
            splitter.setSizes([int(width * share) for share in DEFAULT_SHARES])
        shown = self._settings.value("window/details_shown", True)
        details.setChecked(shown in (True, "true"))

    def save(self, window: QMainWindow, splitter: QSplitter, details: QAbstractButton,
             entry_id: int | None) -> None:
        self._settings.setValue("window/geometry", window.saveGeometry())
        self._settings.setValue("window/splitter", splitter.sizes())
        self._settings.setValue("window/details_shown", details.isChecked())
        if entry_id is not None:
            self._settings.setValue(f"databases/{self._db_key}/last_entry", entry_id)
        self._settings.sync()
