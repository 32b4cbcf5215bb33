"""Light and dark looks for the app's chrome and editor, following the system unless overridden."""

from __future__ import annotations

import enum
from importlib import resources
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


class ThemeMode(enum.StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True, slots=True)
class Colors:
    """Named colours; widgets and the highlighter read these instead of hard-coding any."""

    dark: bool
    window: str
    panel: str
    base: str
    text: str
    muted: str
    faint: str
    border: str
    accent: str
    selection: str
    row_selected: str
    draft_bg: str
    draft_fg: str
    finished_bg: str
    finished_fg: str
    scheduled_bg: str  # a chip of its own: waiting for its moment, neither draft nor published
    scheduled_fg: str
    code_bg: str
    code_fg: str
    link: str
    quote: str
    error: str


LIGHT = Colors(
    dark=False, window="#f3f1ec", panel="#edeae3", base="#fbfaf7", text="#23211d",
    muted="#645e56", faint="#6e675a", border="#dcd7cd", accent="#b5562d",
    selection="#eadfcb", row_selected="#e2dacb", draft_bg="#f3e7c4", draft_fg="#80600f",
    finished_bg="#d9eadb", finished_fg="#2d6637", code_bg="#efeae0", code_fg="#8b4a2b",
    scheduled_bg="#dde6f3", scheduled_fg="#2f5488",
    link="#2f6690", quote="#6d675d", error="#b3261e",
)

DARK = Colors(
    # Warm near-blacks, like the published page's dark paper beside them (preview DARK_PAPER).
    dark=True, window="#1d1c19", panel="#191815", base="#201f1b", text="#e6e2da",
    muted="#9f9a91", faint="#8c877f", border="#35332d", accent="#e0895c",
    selection="#4a4036", row_selected="#34312c", draft_bg="#4a3f22", draft_fg="#e9c76f",
    finished_bg="#23402b", finished_fg="#93d3a2", code_bg="#2b2924", code_fg="#eaa57c",
    scheduled_bg="#22334a", scheduled_fg="#9cc3ee",
    link="#86b8e4", quote="#aca69c", error="#f28b82",
)


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def qpalette(c: Colors) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, c.window), (role.WindowText, c.text), (role.Base, c.base),
        (role.AlternateBase, c.panel), (role.Text, c.text), (role.Button, c.window),
        (role.ButtonText, c.text), (role.Highlight, c.selection), (role.HighlightedText, c.text),
        (role.ToolTipBase, c.base), (role.ToolTipText, c.text), (role.PlaceholderText, c.faint),
        (role.Link, c.link), (role.Mid, c.border), (role.Midlight, c.border), (role.Dark, c.border),
    ):
        p.setColor(r, QColor(value))
    for r in (role.Text, role.WindowText, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor(c.faint))
    return p


def _resource(name: str) -> str:
    return str(resources.files("fieldnotes_desktop") / "ui" / "resources" / name)


def stylesheet(c: Colors) -> str:
    chevron = _resource(f"chevron-{'dark' if c.dark else 'light'}.svg")
    check = _resource("check.svg")
    return f"""
    QMainWindow, QDialog {{ background: {c.window}; }}
    QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
    QCheckBox::indicator {{
        width: 13px; height: 13px; border: 1px solid {c.faint}; border-radius: 3px; background: {c.base};
    }}
    QCheckBox::indicator:checked {{ background: {c.accent}; border-color: {c.accent}; image: url({check}); }}
    QCheckBox::indicator:disabled {{ border-color: {c.border}; }}
    #revisionList::item {{ padding: 4px 2px; }}
    QSplitter::handle {{ background: {c.border}; }}
    QSplitter::handle:horizontal {{ width: 1px; }}
    #entryPanel {{ background: {c.panel}; }}
    #entryList {{ background: {c.panel}; border: none; outline: none; }}
    #editorPane, #editor {{ background: {c.base}; border: none; }}
    #editor {{ selection-background-color: {c.selection}; selection-color: {c.text}; }}
    #metadataPanel {{ background: {c.base}; border-bottom: 1px solid {c.border}; }}
    #metadataPanel QLabel {{ color: {c.muted}; font-size: 8.5pt; }}
    #titleField {{ border: none; background: transparent; padding: 0; color: {c.text}; }}
    QLineEdit, QComboBox, QSpinBox, QDateEdit {{
        background: {c.base}; border: 1px solid {c.border}; border-radius: 5px;
        padding: 3px 6px; color: {c.text}; selection-background-color: {c.selection};
        selection-color: {c.text};
    }}
    QSpinBox::up-button, QSpinBox::down-button {{ width: 0; border: none; }}
    QSpinBox::up-arrow, QSpinBox::down-arrow {{ image: none; width: 0; height: 0; }}
    QComboBox::drop-down, QDateEdit::drop-down {{
        subcontrol-origin: padding; subcontrol-position: center right; width: 18px; border: none;
    }}
    QComboBox::down-arrow, QDateEdit::down-arrow {{ image: url({chevron}); width: 10px; height: 6px; }}
    QComboBox QAbstractItemView {{
        background: {c.base}; border: 1px solid {c.border}; selection-background-color: {c.row_selected};
        selection-color: {c.text}; outline: none;
    }}
    QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateEdit:focus {{ border-color: {c.accent}; }}
    #entrySearch {{ border-radius: 14px; padding: 5px 12px; background: {c.base}; }}
    QToolButton#statusFilterButton {{
        border: 1px solid transparent; border-radius: 11px; padding: 2px 10px; color: {c.muted};
    }}
    QToolButton#statusFilterButton:checked {{ background: {c.row_selected}; color: {c.text}; }}
    QToolButton#statusFilterButton:hover {{ color: {c.text}; }}
    #trashBar {{ background: {c.panel}; border-top: 1px solid {c.border}; }}
    QToolButton#detailsToggle {{ border: none; color: {c.muted}; padding: 2px 4px; }}
    QToolButton#detailsToggle:hover {{ color: {c.text}; }}
    #findBar {{ background: {c.panel}; border-top: 1px solid {c.border}; }}
    #outline {{ background: {c.panel}; border: none; border-right: 1px solid {c.border}; color: {c.muted};
                padding: 10px 4px; outline: none; }}
    #outline::item {{ padding: 3px 6px; border-radius: 4px; }}
    #outline::item:selected {{ background: {c.row_selected}; color: {c.text}; }}
    #conflictBar {{ background: {c.draft_bg}; border-bottom: 1px solid {c.border}; }}
    #conflictBar QLabel {{ color: {c.draft_fg}; }}
    QStatusBar {{ background: {c.window}; color: {c.muted}; border-top: 1px solid {c.border}; }}
    QStatusBar QLabel {{ color: {c.muted}; padding: 0 8px; }}
    QLabel#saveStateLabel[failed="true"] {{ color: {c.error}; }}
    QLabel#dialogError {{ color: {c.error}; }}
    QMenuBar {{ background: {c.window}; }}
    QScrollBar:vertical {{ background: transparent; width: 10px; margin: 0; }}
    QScrollBar::handle:vertical {{ background: {c.border}; border-radius: 4px; min-height: 30px; margin: 2px; }}
    QScrollBar::handle:vertical:hover {{ background: {c.faint}; }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
    QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
    QToolTip {{ background: {c.base}; color: {c.text}; border: 1px solid {c.border}; padding: 4px; }}
    """


class ThemeController(QObject):
    """Knows the writer's choice (system, light, dark) and applies the matching colours."""

    theme_changed = Signal(object)  # Colors

    def __init__(self, app: QApplication, mode: ThemeMode = ThemeMode.SYSTEM) -> None:
        super().__init__()
        self._app = app
        self._mode = mode
        self._colors = LIGHT
        app.styleHints().colorSchemeChanged.connect(self._on_style_hints_color_scheme_changed)

    @property
    def mode(self) -> ThemeMode:
        return self._mode

    @property
    def colors(self) -> Colors:
        return self._colors

    def set_mode(self, mode: ThemeMode) -> None:
        self._mode = mode
        self.apply()

    def apply(self) -> None:
        dark = system_is_dark() if self._mode is ThemeMode.SYSTEM else self._mode is ThemeMode.DARK
        self._colors = DARK if dark else LIGHT
        self._app.setStyle("Fusion")
        self._app.setPalette(qpalette(self._colors))
        self._app.setStyleSheet(stylesheet(self._colors))
        self.theme_changed.emit(self._colors)

    def _on_style_hints_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._mode is ThemeMode.SYSTEM:
            self.apply()
