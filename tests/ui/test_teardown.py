"""Quitting is clean wherever the window lives: page before profile, every lane stopped, exit code 0."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# What QtWebEngine and shiboken print when objects go in the wrong order, or a thread outlives them.
BAD_SIGNS = ("Release of profile requested", "still not deleted", "Traceback", "has been deleted",
             "QThread: Destroyed", "Segmentation fault", "already deleted")

HOST = textwrap.dedent("""
    # A host application, as pytest-qt or a script is: its own QApplication, the documented
    # build_main_window, and no care for deleting what it built.
    import sys, time
    from pathlib import Path
    from fieldnotes_desktop.ui.preview import prepare_webengine
    prepare_webengine()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv)
    from fieldnotes_desktop.app import build_main_window
    from fieldnotes_desktop.records import EntryFields
    from fieldnotes_desktop.services import open_services
    db, mode = Path(sys.argv[1]), sys.argv[2]
    if mode == "export":
        services = open_services(db)
        for n in range(400):
            services.entries.create(EntryFields(title=f"Day {n}", status="finished",
                                                body=("## Camp\\n\\n" + "scree and ice " * 300)))
        services.close()
    window = build_main_window(db, settings_path=db.with_suffix(".ini"))
    loop = QEventLoop()
    window.started.connect(loop.quit)
    window.show()
    loop.exec()
    def wait(ms):
        pause = QEventLoop()
        QTimer.singleShot(ms, pause.quit)
        pause.exec()
    wait(500)  # the preview loads its page, the care checks run
    if mode == "export":
        window.commands.export.trigger()
        dialog = window.dialogs.last_dialog
        dialog.folder.setText(str(db.parent / "site"))
        dialog.start_export()
        while not (db.parent / "site" / ".fieldnotes" / "staging").exists():
            wait(5)
    window.close()  # mid-export in that mode: the export is cancelled, its staging removed
    print("closed", flush=True)
""")


def run_host(tmp_path: Path, mode: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "host.py"
    script.write_text(HOST)
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run([sys.executable, str(script), str(tmp_path / "notes.db"), mode],
                          capture_output=True, text=True, env=env, timeout=180)


def test_a_window_closed_but_never_deleted_by_its_host_exits_cleanly(tmp_path: Path) -> None:
    for attempt in range(2):  # the order of deletion at exit is the interpreter's: give it two chances
        folder = tmp_path / str(attempt)
        folder.mkdir()
        result = run_host(folder, "plain")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "closed" in result.stdout
        found = [sign for sign in BAD_SIGNS if sign in result.stderr]
        assert found == [], result.stderr[-3000:]


def test_quitting_during_an_export_cancels_it_cleanly(tmp_path: Path) -> None:
    result = run_host(tmp_path, "export")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "closed" in result.stdout
    assert [sign for sign in BAD_SIGNS if sign in result.stderr] == [], result.stderr[-3000:]
    site = tmp_path / "site"
    assert not (site / ".fieldnotes" / "staging").exists()  # no staged file left behind
    assert not list(site.rglob("*.fn-tmp"))
    assert not (site / "index.html").exists()  # cancelled before it replaced anything
