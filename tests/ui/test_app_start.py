"""Starting the app: the welcome entry, one window per database, a refused file, state restored."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldnotes_desktop.app import build_main_window
from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.ui.instance import AlreadyOpenError

from start_window import START_WINDOW, run_window


def test_first_run_opens_on_the_welcome_entry(open_window, db_path, qtbot):
    window = open_window(db_path)
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 1, timeout=5000)
    entry = window.desk.entry
    assert entry is not None and entry.title == "Welcome to your field notes"
    assert window.editor.toPlainText().startswith("This is your first entry.")
    assert window.metadata.title.text() == entry.title
    qtbot.waitUntil(lambda: "Welcome to your field notes" in
                    (window.preview.property("renderedHtml") or ""), timeout=15000)


def test_a_database_emptied_of_every_entry_opens_on_the_welcome_entry_again(open_window, db_path, qtbot, tmp_path):
    window = open_window(db_path)
    qtbot.waitUntil(lambda: window.desk.entry is not None, timeout=5000)
    window.desk.trash_entry()
    qtbot.waitUntil(lambda: window.desk.entry is None, timeout=5000)
    window.desk.empty_trash()
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 0, timeout=5000)
    window.close()
    # with no entry left at all, not even in the trash, the next start is a first run again
    again = open_window(db_path, tmp_path / "settings2.ini")
    qtbot.waitUntil(lambda: again.entry_list.model.rowCount() == 1, timeout=5000)


def test_a_second_window_on_the_same_database_is_refused(open_window, seeded_db, tmp_path):
    open_window(seeded_db)
    with pytest.raises(AlreadyOpenError, match="already open"):
        build_main_window(seeded_db, settings_path=tmp_path / "other.ini")


def test_a_newer_database_is_refused_and_left_untouched(qapp, tmp_path):
    db = tmp_path / "future.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE alembic_version (version_num TEXT)")
        con.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(DatabaseError, match="newer version"):
        build_main_window(db, settings_path=tmp_path / "s.ini")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    # the refused window left no lock behind: a fixed file opens
    assert not (tmp_path / "future.db.lock").exists()


def test_geometry_splitter_and_last_entry_are_restored(open_window, seeded_db, qtbot, tmp_path):
    settings = tmp_path / "state.ini"
    window = open_window(seeded_db, settings)
    total = sum(window.splitter.sizes())
    shares = [s / total for s in window.splitter.sizes()]
    assert abs(shares[0] - 0.22) < 0.04 and abs(shares[1] - shares[2]) < 0.04
    window.entry_list.view.setCurrentIndex(window.entry_list.model.index(2, 0))
    qtbot.waitUntil(lambda: window.desk.entry.title == "Night train to Vienna", timeout=5000)
    # small enough for the offscreen platform's 800×600 screen, which clamps restored geometry
    # (the list keeps the width its filter tabs need: about 230 pixels)
    window.resize(796, 580)
    qtbot.waitUntil(lambda: window.width() == 796)
    window.splitter.setSizes([232, 320, 242])
    sizes = window.splitter.sizes()
    window.close()

    again = open_window(seeded_db, settings)
    assert again.desk.entry.title == "Night train to Vienna"
    assert (again.width(), again.height()) == (796, 580)
    assert again.splitter.sizes() == sizes


def test_the_app_starts_renders_and_quits_cleanly(tmp_path):
    """The packaged smoke test's path: no traceback, and QtWebEngine's pages gone before profiles."""
    env = dict(os.environ, FIELDNOTES_SMOKE_TEST="1", HOME=str(tmp_path / "home"))
    for attempt in range(2):  # the deletion order at exit varied from run to run
        result = subprocess.run([sys.executable, "-m", "fieldnotes_desktop", "--db",
                                 str(tmp_path / f"smoke{attempt}.db")],
                                capture_output=True, text=True, env=env, timeout=180,
                                cwd=Path(__file__).resolve().parents[2])
        assert result.returncode == 0, result.stderr
        assert "preview rendered" in result.stdout
        assert "still not deleted" not in result.stderr
        assert "Traceback" not in result.stderr, result.stderr


USABLE_BEFORE_THE_PREVIEW = START_WINDOW + """

def usable():
    seen["loaded"] = sorted(m for m in ("markdown_it", "pygments", "jinja2", "nh3",
                                        "fieldnotes_desktop.services.publish") if m in sys.modules)
    seen["preview_started"] = window.preview.is_started
    seen["editor"] = window.editor.toPlainText()[:25]

window.started.connect(usable)
window.preview.rendered.connect(lambda: (seen.setdefault("shown", window.preview.property("renderedHtml")), app.quit()))
QTimer.singleShot(60_000, app.quit)
window.show()
app.exec()
window.close()
print(json.dumps(seen))
"""


def test_the_window_is_usable_before_the_preview_and_its_renderer_load(tmp_path: Path):
    # The first screen (list, editor) does without the theme, Markdown and the exporter: they
    # come with the preview a moment later, and the preview then shows the entry opened.
    from fieldnotes_desktop.services import open_services

    open_services(tmp_path / "notes.db").close()  # made already: creating it runs Alembic, which brings Pygments
    seen, _ = run_window(USABLE_BEFORE_THE_PREVIEW, tmp_path / "notes.db", tmp_path)
    assert seen["loaded"] == [] and seen["preview_started"] is False
    assert seen["editor"] == "This is your first entry."
    assert "Welcome to your field notes" in seen["shown"]


def test_an_older_database_is_upgraded_behind_a_notice_that_goes_with_it(open_window, tmp_path, qtbot, monkeypatch):
    from PySide6.QtWidgets import QApplication

    import fieldnotes_desktop.services as services_module
    from tests.release_databases import add_old_entry, database_at

    def notices() -> list[str]:
        return [w.text() for w in QApplication.topLevelWidgets()
                if w.objectName() == "upgradeNotice" and w.isVisible()]

    db = database_at(tmp_path / "old notes.db")
    add_old_entry(db, "Before the upgrade", "Written under the first release.")
    real_open = services_module.open_services
    seen: list[list[str]] = []

    def opening(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(notices())  # what is on screen while the file is upgraded
        return real_open(*args, **kwargs)

    monkeypatch.setattr(services_module, "open_services", opening)
    window = open_window(db)
    assert seen[0] == ["Upgrading old notes.db for this version of Field Notes…\n\n"
                       "It is backed up first. This happens once; a large collection takes up to a minute."]
    assert notices() == []
    assert window.desk.entry is not None and window.desk.entry.title == "Before the upgrade"
    window.close()
    open_window(db)  # now current: opened without a notice
    assert seen[1] == []


def test_words_typed_before_the_preview_starts_are_on_its_first_page(qapp, db_path, qtbot, tmp_path):
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtGui import QTextCursor

    from fieldnotes_desktop.ui.window_prompts import QuitChoice

    window = build_main_window(db_path, settings_path=tmp_path / "s.ini")
    window.ask_unsaved_on_quit = lambda _error: QuitChoice.DISCARD  # type: ignore[method-assign]

    def type_at_once() -> None:  # the window is usable; the preview starts after this returns
        assert not window.preview.is_started
        window.editor.moveCursor(QTextCursor.MoveOperation.End)
        window.editor.insertPlainText(" Typed while the preview was still to come.")
        qtbot.wait(100)  # the desk hands the edit on (after 20 ms), to a preview not yet started
        assert not window.preview.is_started

    pages: list[str] = []
    window.started.connect(type_at_once)
    window.preview.rendered.connect(lambda: pages.append(window.preview.property("renderedHtml")))
    try:
        with qtbot.waitSignal(window.started, timeout=10000):
            window.show()
        qtbot.waitUntil(lambda: bool(pages), timeout=15000)
        assert "Typed while the preview was still to come." in pages[0]  # not only a later frame
    finally:
        window.close()
        window.deleteLater()  # now, as the open_window fixture does: before the QtWebEngine context goes
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
