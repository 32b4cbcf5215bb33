"""Every shortcut of the window belongs to one command, on this platform and on the others Qt
knows (Windows, macOS, X11, KDE, GNOME), and Ctrl+Q quits.

Offscreen the standard keys are empty; the xcb pass (CI, `FIELDNOTES_XCB_TEST=1`) gives them
X11's bindings, where Quit is Ctrl+Q: bound twice on one action, it was an ambiguous shortcut
that Qt refused to run, and Ctrl+Q did nothing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut

from fieldnotes_desktop.ui import actions
from fieldnotes_desktop.ui.actions import Key
from start_window import START_WINDOW, run_window


def test_no_two_commands_share_a_key(open_window, seeded_db):
    window = open_window(seeded_db)
    owners: dict[str, list[str]] = defaultdict(list)
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            owners[key.toString()].append(action.text())
    shared = {key: texts for key, texts in owners.items() if len(texts) > 1}
    assert shared == {}
    assert "Ctrl+Q" in owners  # on every platform, whatever its standard Quit key


QUIT_BY_KEY = START_WINDOW + """
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

def press():
    window.activateWindow()
    window.raise_()
    QTest.qWaitForWindowActive(window, 5000)
    seen["active"] = QApplication.activeWindow() is window
    QTest.keyClick(window.editor, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    seen["quit"] = window.isHidden()

def give_up():
    seen["timed_out"] = True
    app.quit()

window.ask_unsaved_on_quit = lambda _error: None
window.started.connect(lambda: QTimer.singleShot(200, press))
app.lastWindowClosed.connect(app.quit)
QTimer.singleShot(60_000, give_up)
window.show()
app.exec()
print(json.dumps(seen))
"""


def test_ctrl_q_quits(seeded_db: Path, tmp_path: Path) -> None:
    seen, stderr = run_window(QUIT_BY_KEY, seeded_db, tmp_path)
    assert seen == {"active": True, "quit": True}, stderr
    assert "Ambiguous shortcut" not in stderr


# What Qt binds each standard key the window uses to, per platform (Qt's table of standard
# shortcuts; on macOS "Ctrl" is Command and "Meta" is Control). The X11 column is what Qt gives
# under xcb with no desktop, and is checked against the running Qt there; KDE and GNOME add their
# own. A standard key the window takes up that is missing here fails the test: add its row.
_ALL = ("windows", "macos", "x11", "kde", "gnome")
PLATFORM_KEYS: dict[Key, dict[str, tuple[str, ...]]] = {
    Key.New: {p: ("Ctrl+N",) for p in _ALL} | {"x11": ("Ctrl+N", "New")},
    Key.Delete: {"windows": ("Del",), "macos": ("Del", "Meta+D"), "x11": ("Del", "Ctrl+D"),
                 "kde": ("Del", "Ctrl+D"), "gnome": ("Del", "Ctrl+D")},
    Key.Quit: {"windows": (), "macos": ("Ctrl+Q",), "x11": ("Ctrl+Q", "Exit"), "kde": ("Ctrl+Q",),
               "gnome": ("Ctrl+Q",)},
    Key.Save: {p: ("Ctrl+S",) for p in _ALL} | {"x11": ("Ctrl+S", "Save")},
    Key.Undo: {"windows": ("Ctrl+Z", "Alt+Backspace"), "macos": ("Ctrl+Z",), "x11": ("Ctrl+Z", "F14", "Undo"),
               "kde": ("Ctrl+Z", "F14"), "gnome": ("Ctrl+Z", "F14")},
    Key.Redo: {"windows": ("Ctrl+Y", "Ctrl+Shift+Z", "Alt+Shift+Backspace"), "macos": ("Ctrl+Shift+Z",),
               "x11": ("Ctrl+Shift+Z", "Redo"), "kde": ("Ctrl+Shift+Z",), "gnome": ("Ctrl+Shift+Z",)},
    Key.Cut: {"windows": ("Ctrl+X", "Shift+Del"), "macos": ("Ctrl+X", "Meta+K"),
              "x11": ("Ctrl+X", "Shift+Del", "F20", "Cut"), "kde": ("Ctrl+X", "Shift+Del", "F20"),
              "gnome": ("Ctrl+X", "Shift+Del", "F20")},
    Key.Copy: {"windows": ("Ctrl+C", "Ctrl+Ins"), "macos": ("Ctrl+C",), "x11": ("Ctrl+C", "Ctrl+Ins", "F16", "Copy"),
               "kde": ("Ctrl+C", "Ctrl+Ins", "F16"), "gnome": ("Ctrl+C", "Ctrl+Ins", "F16")},
    Key.Paste: {"windows": ("Ctrl+V", "Shift+Ins"), "macos": ("Ctrl+V", "Meta+Y"),
                "x11": ("Ctrl+V", "Ctrl+Shift+Ins", "Shift+Ins", "F18", "Paste"),
                "kde": ("Ctrl+V", "Ctrl+Shift+Ins", "Shift+Ins", "F18"),
                "gnome": ("Ctrl+V", "Ctrl+Shift+Ins", "Shift+Ins", "F18")},
    Key.SelectAll: {p: ("Ctrl+A",) for p in _ALL},
    Key.Bold: {p: ("Ctrl+B",) for p in _ALL},
    Key.Italic: {p: ("Ctrl+I",) for p in _ALL},
    Key.Find: {p: ("Ctrl+F",) for p in _ALL} | {"x11": ("Ctrl+F", "Find")},
    Key.Replace: {"windows": ("Ctrl+H",), "macos": (), "x11": (), "kde": ("Ctrl+R",), "gnome": ("Ctrl+H",)},
    Key.FullScreen: {"windows": ("F11", "Alt+Enter"), "macos": ("Ctrl+Meta+F",), "x11": (),
                     "kde": ("F11", "Ctrl+Shift+F"), "gnome": ("Ctrl+F11", "F11")},
    Key.HelpContents: {"windows": ("F1",), "macos": ("Ctrl+?",), "x11": ("F1", "Help"), "kde": ("F1",),
                       "gnome": ("F1",)},
    Key.ZoomIn: {p: ("Ctrl++",) for p in _ALL} | {"x11": ("Ctrl++", "Zoom In")},
    Key.ZoomOut: {p: ("Ctrl+-",) for p in _ALL} | {"x11": ("Ctrl+-", "Zoom Out")},
}


def _commands_by_key(window) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    owners: dict[str, list[str]] = defaultdict(list)
    for action in window.findChildren(QAction):
        if action.isEnabled() or action.shortcuts():
            for key in action.shortcuts():
                owners[key.toString()].append(action.text())
    for shortcut in window.findChildren(QShortcut):
        if shortcut.isEnabled():
            owners[shortcut.key().toString()].append(f"shortcut {shortcut.key().toString()}")
    return owners


@pytest.mark.parametrize("platform", _ALL)
def test_no_two_commands_share_a_key_on_any_platform(open_window, seeded_db, monkeypatch, platform):
    asked: list[Key] = []

    def bindings(key: Key) -> list[QKeySequence]:
        asked.append(key)
        assert key in PLATFORM_KEYS, f"{key.name} is not in PLATFORM_KEYS: add what each platform binds it to"
        return [QKeySequence(text) for text in PLATFORM_KEYS[key][platform]]

    monkeypatch.setattr(actions, "standard_bindings", bindings)
    window = open_window(seeded_db)
    shared = {key: texts for key, texts in _commands_by_key(window).items() if len(texts) > 1}
    assert shared == {}, f"on {platform}"
    assert asked  # the window did ask for the platform's keys


def test_the_x11_column_is_what_qt_binds_under_xcb(qapp) -> None:
    if QGuiApplication.platformName() != "xcb":
        pytest.skip("the X11 column is what Qt binds under xcb")
    for key, platforms in PLATFORM_KEYS.items():
        assert tuple(k.toString() for k in QKeySequence.keyBindings(key)) == platforms["x11"], key.name
