"""The database looked after while the app runs: the check at open, the day's backup, a restore, exports finished."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from fieldnotes_desktop.export.writer import JOURNAL_NAME, STAGING_NAME, STATE_DIR, SiteWriter
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.dialogs.backups import RestoreBackupDialog


def _damage_revisions(db: Path) -> None:
    """Overwrites a leaf page of `revisions`, which opening the window never reads."""
    with sqlite3.connect(db) as conn:
        pages = [row[0] for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'revisions' AND pagetype = 'leaf' ORDER BY pageno")]
    assert len(pages) > 2
    with db.open("r+b") as handle:
        handle.seek((pages[1] - 1) * 4096 + 8)
        handle.write(b"\xa5" * (4096 - 8))


def test_the_day_s_backup_is_made_in_the_background_at_open(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    folder = window.services.maintenance.backups_folder()
    today = dt.date.today().isoformat()
    qtbot.waitUntil(lambda: any(today in p.name for p in folder.glob("*.db")), timeout=15000)
    (backup,) = [p for p in folder.glob("*.db") if today in p.name]
    with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 3


def test_a_damaged_database_is_named_at_open_and_the_latest_backup_offered(open_window, db_path, qtbot, monkeypatch):
    services = open_services(db_path)
    try:
        for i in range(40):
            entry = services.entries.create(EntryFields(title=f"Camp {i}", body="scree " * 300))
            services.entries.snapshot(entry.id, "manual")
        services.maintenance.backup()
    finally:
        services.close()
    _damage_revisions(db_path)
    window = open_window(db_path)
    qtbot.waitUntil(lambda: window.damage_box is not None and window.damage_box.isVisible(), timeout=15000)
    box = window.damage_box
    assert "failed its integrity check" in box.text() and str(db_path) in box.text()
    # No daily backup of a damaged file: it would push a good one out of the rotation.
    folder = window.services.maintenance.backups_folder()
    assert not any(dt.date.today().isoformat() + ".db" in p.name for p in folder.glob("*.db"))
    restore = next(b for b in box.buttons() if b.text().startswith("Restore"))
    restore.click()
    qtbot.waitUntil(lambda: isinstance(window.dialogs.last_dialog, RestoreBackupDialog), timeout=5000)
    dialog = window.dialogs.last_dialog
    qtbot.waitUntil(lambda: dialog.backup_list.topLevelItemCount() >= 1, timeout=5000)
    assert dialog.restore_button.isEnabled()


def test_restoring_a_backup_puts_the_entries_back_and_keeps_the_current_file_aside(
        open_window, seeded_db, qtbot, monkeypatch):
    services = open_services(seeded_db)
    try:
        glacier = next(s for s in services.entries.list_summaries() if s.title == "Crossing the glacier")
        backup = services.maintenance.backup()
        services.entries.update(glacier.id, EntryFields(body="Rewritten after the backup."))
    finally:
        services.close()
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window.desk.entry is not None, timeout=5000)
    window.entry_list.view.setCurrentIndex(window.entry_list.model.index(0, 0))
    qtbot.waitUntil(lambda: window.desk.entry.id == glacier.id, timeout=5000)
    assert window.editor.toPlainText() == "Rewritten after the backup."

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.commands.restore_backup.trigger()
    dialog = window.dialogs.last_dialog
    assert isinstance(dialog, RestoreBackupDialog)
    qtbot.waitUntil(lambda: dialog.backup_list.topLevelItemCount() >= 1, timeout=5000)
    item = next(dialog.backup_list.topLevelItem(i) for i in range(dialog.backup_list.topLevelItemCount())
                if dialog.backup_list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole).path == backup)
    dialog.backup_list.setCurrentItem(item)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "Crampons on at dawn; the ice groaned.", timeout=10000)
    assert window.desk.entry.id == glacier.id
    assert "The entries are back as they were on" in window.presenter.last_message
    aside = Path(window.presenter.last_message.split("kept in ")[1].split(";")[0])
    with sqlite3.connect(f"file:{aside}?mode=ro", uri=True) as conn:
        bodies = [row[0] for row in conn.execute("SELECT body FROM entries")]
    assert "Rewritten after the backup." in bodies


def test_an_export_cut_short_is_finished_when_the_app_starts(open_window, seeded_db, qtbot):
    site = seeded_db.parent / "site"
    writer = SiteWriter(site)
    writer.stage("index.html", "old")
    writer.commit()
    writer = SiteWriter(site)
    writer.stage("index.html", "new")
    writer.stage("entry/index.html", "new page")
    # Killed right after the journal was written: nothing is in place yet.
    import fieldnotes_desktop.export.writer as writer_module

    real_apply = writer_module._apply

    class Killed(BaseException):
        pass

    def killed(*_args: object, **_kwargs: object) -> None:
        raise Killed()

    writer_module._apply = killed  # type: ignore[assignment]
    try:
        try:
            writer.commit()
        except Killed:
            pass
    finally:
        writer_module._apply = real_apply
        writer._release()
    assert (site / STATE_DIR / STAGING_NAME / JOURNAL_NAME).is_file()
    assert (site / "index.html").read_text() == "old"

    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: not (site / STATE_DIR / STAGING_NAME).exists(), timeout=10000)
    assert (site / "index.html").read_text() == "new"
    assert (site / "entry" / "index.html").read_text() == "new page"
    qtbot.waitUntil(lambda: "interrupted" in window.statusBar().currentMessage(), timeout=5000)
