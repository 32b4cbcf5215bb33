"""One typing session for the kill-torture: the real main window, keys typed without a pause, each logged.

Usage: typing_child.py DB SETTINGS LOG SEED — opens the app over DB, types the text of SEED at the
end of the open entry, one key every 10 ms, and appends "count time" to LOG after every key, until
it is killed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fieldnotes_desktop.ui.preview import prepare_webengine  # noqa: E402

KEY_MS = 10


def typed_text(seed: int, length: int = 100_000) -> str:
    """What the child types for `seed`: letters and spaces only, so the editor adds nothing of its own."""
    import random

    rng = random.Random(seed)
    words = ["summit", "ridge", "wind", "snow", "rope", "camp", "light", "stone", "path", "cloud"]
    out: list[str] = []
    while sum(map(len, out)) < length:
        out.append(rng.choice(words) + " ")
    return "".join(out)[:length]


def main() -> int:
    db, settings, log_path, seed = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    prepare_webengine()
    app = QApplication(sys.argv[:1])
    from fieldnotes_desktop.app import build_main_window

    window = build_main_window(db, settings_path=settings)
    loop = QEventLoop()
    window.started.connect(loop.quit)
    window.show()
    loop.exec()
    editor = window.editor
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    text = typed_text(seed)
    log = open(log_path, "a", buffering=1, encoding="utf-8")
    log.write(f"ready {time.time():.6f}\n")
    state = {"n": 0}

    def type_one() -> None:
        QTest.keyClicks(editor, text[state["n"]])
        state["n"] += 1
        log.write(f"{state['n']} {time.time():.6f}\n")

    timer = QTimer(interval=KEY_MS)
    timer.timeout.connect(type_one)
    timer.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
