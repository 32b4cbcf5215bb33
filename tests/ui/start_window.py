"""The start of a script that builds the real window in a process of its own, and the runner of it.

The script takes the database path as its first argument; what follows `START_WINDOW` runs
the app and prints `seen`, what it saw, as JSON on its last line; `run_window` runs it with
its settings, logs and caches in a folder of the test's own and returns that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def run_window(script_text: str, db: Path, folder: Path) -> tuple[dict[str, Any], str]:
    """Runs the window script over `db` in a fresh process; returns what it saw, and its stderr."""
    script = folder / "window_script.py"
    script.write_text(script_text)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]),
               XDG_CONFIG_HOME=str(folder), XDG_DATA_HOME=str(folder), XDG_STATE_HOME=str(folder),
               XDG_CACHE_HOME=str(folder))
    result = subprocess.run([sys.executable, str(script), str(db)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr
