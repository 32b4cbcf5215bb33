"""Every shortcut of the window belongs to one command, on this platform, and Ctrl+Q quits.

Offscreen the standard keys are empty; the xcb pass (CI, `FIELDNOTES_XCB_TEST=1`) gives them
X11's bindings, where Quit is Ctrl+Q: bound twice on one action, it was an ambiguous shortcut
that Qt refused to run, and Ctrl+Q did nothing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from PySide6.QtGui import QAction

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
