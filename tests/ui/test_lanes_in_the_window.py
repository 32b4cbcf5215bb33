"""The window's work runs on the lanes: no database access on the GUI thread, no thread made anywhere else."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import event
from sqlalchemy.engine import Engine

import fieldnotes_desktop
from fieldnotes_desktop.ui.dialogs import ExportDialog, RevisionsDialog, SiteSettingsDialog

PACKAGE = Path(fieldnotes_desktop.__file__).resolve().parent
# Ways to start a thread or a process; ui/tasks.py is the one module allowed to use them.
THREAD_MAKERS = {"Thread", "ThreadPoolExecutor", "ProcessPoolExecutor", "QThread", "QThreadPool",
                 "Process", "Timer", "start_new_thread"}


def test_no_module_of_the_ui_but_tasks_starts_a_thread() -> None:
    offenders = []
    files = sorted((PACKAGE / "ui").rglob("*.py")) + [PACKAGE / "app.py"]
    for path in files:
        if path.name == "tasks.py" and path.parent.name == "ui":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Attribute) and node.attr in THREAD_MAKERS:
                name = node.attr
            elif isinstance(node, ast.Name) and node.id in THREAD_MAKERS:
                name = node.id
            elif isinstance(node, ast.ImportFrom) and node.module in ("threading", "concurrent.futures",
                                                                      "multiprocessing", "_thread"):
                name = node.module
            if name:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert offenders == []


def test_the_check_above_finds_a_thread(tmp_path: Path) -> None:
    sample = "import threading\nthreading.Thread(target=print).start()\n"
    found = [n for n in ast.walk(ast.parse(sample)) if isinstance(n, ast.Attribute) and n.attr in THREAD_MAKERS]
    assert found


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_no_database_access_happens_on_the_gui_thread(open_window, seeded_db, qtbot, tmp_path, monkeypatch):
    from fieldnotes_desktop.records import EntryFields
    from fieldnotes_desktop.services import open_services

    services = open_services(seeded_db)
    try:  # the glacier entry shows a stored image, which the preview asks its scheme for
        services.assets.add("crevasse.png", PNG)
        glacier = next(s for s in services.entries.list_summaries() if s.title == "Crossing the glacier")
        services.entries.update(glacier.id, EntryFields(body="Crampons on.\n\n![A crevasse](crevasse.png)\n"))
    finally:
        services.close()
    on_gui_thread: list[str] = []
    seen_threads: set[str] = set()
    recording = threading.Event()

    def watch(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if not recording.is_set():
            return
        seen_threads.add(threading.current_thread().name)
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append(statement.split("\n")[0][:80])

    import fieldnotes_desktop.services as services_module

    real_open = services_module.open_services

    def open_then_record(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened = real_open(*args, **kwargs)  # opening the file at start is the one synchronous step
        recording.set()
        return opened

    monkeypatch.setattr(services_module, "open_services", open_then_record)
    event.listen(Engine, "before_cursor_execute", watch)
    try:
        window = open_window(seeded_db)
        qtbot.waitUntil(lambda: "crevasse.png" in window.preview.scheme_handler.served, timeout=15000)
        # What a writer does in a session: every one of these reads or writes the database.
        model = window.entry_list.model
        qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)
        window.editor.setFocus()
        window.editor.moveCursor(QTextCursor.MoveOperation.End)
        qtbot.keyClicks(window.editor, " Typed and saved.")
        window.desk.saver.save_now()
        window.entry_list.view.setCurrentIndex(model.index(1, 0))
        qtbot.waitUntil(lambda: window.desk.entry is not None and window.desk.entry.title == "Sourdough notes",
                        timeout=5000)
        qtbot.keyClicks(window.entry_list.search, "glacier")
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
        window.entry_list.search.clear()
        window.metadata.category.setCurrentText("Bakery")
        window.desk.commit_edits()
        window.commands.new.trigger()
        qtbot.waitUntil(lambda: window.desk.entry is not None and window.desk.entry.title == "", timeout=5000)
        window.commands.trash.trigger()
        qtbot.waitUntil(lambda: window.desk.entry is not None and window.desk.entry.title != "", timeout=5000)
        with qtbot.waitSignal(window.preview.rendered, timeout=15000):
            window.desk.refresh_preview()
        window.commands.history.trigger()
        assert isinstance(window.dialogs.last_dialog, RevisionsDialog)
        window.dialogs.last_dialog.reject()
        window.commands.site_settings.trigger()
        assert isinstance(window.dialogs.last_dialog, SiteSettingsDialog)
        window.dialogs.last_dialog.reject()
        window.commands.export.trigger()
        dialog = window.dialogs.last_dialog
        assert isinstance(dialog, ExportDialog)
        dialog.folder.setText(str(tmp_path / "site"))
        dialog.start_export()
        qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30000)
        dialog.reject()
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
        window.tasks.database.wait_idle(5)
    finally:
        event.remove(Engine, "before_cursor_execute", watch)
    assert on_gui_thread == [], f"the GUI thread ran {len(on_gui_thread)} statements, first: {on_gui_thread[:3]}"
    assert "fieldnotes-db" in seen_threads  # the watch saw the work, on the database lane
    assert any(name.startswith("fieldnotes-job-export") for name in seen_threads)
