"""The start of a script that builds the real window in a process of its own, for the start-up tests.

The script takes the database path as its first argument; what follows it defines `usable()`,
connects it to `window.started` and runs the app, filling `seen` with what it saw.
"""

START_WINDOW = """
import json, sys
from pathlib import Path
from fieldnotes_desktop.ui.preview import prepare_webengine
prepare_webengine()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from fieldnotes_desktop.app import build_main_window
db = Path(sys.argv[1])
window = build_main_window(db, settings_path=db.with_suffix(".ini"))
seen = {}
"""
