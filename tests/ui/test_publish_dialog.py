"""File ▸ Publish from the real window: the dry run, the publish to a folder, the target kept in
the site settings, a refused target, cancelling, and the password and host-key questions."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QProgressBar

from fieldnotes_desktop.errors import PasswordNeeded, UnknownHost
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.dialogs.publish import PublishDialog
from tests.publish.publish_helpers import site_files

WAIT_MS = 60000


def open_publish(window, qtbot) -> PublishDialog:  # type: ignore[no-untyped-def]
    window.commands.publish.trigger()
    dialog = window.dialogs.last_dialog
    assert isinstance(dialog, PublishDialog) and dialog.objectName() == "publishDialog"
    assert dialog.isVisible() and not dialog.isModal()
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    return dialog


def set_target(dialog: PublishDialog, text: str) -> None:
    dialog.target.setText(text)
    dialog.target.editingFinished.emit()  # as Enter, or leaving the field, does


def settled(dialog: PublishDialog) -> bool:
    return not dialog.is_running() and not dialog.checks.is_checking()


def publish(dialog: PublishDialog, qtbot) -> None:  # type: ignore[no-untyped-def]
    before = dialog.report
    dialog.publish_button.click()
    qtbot.waitUntil(lambda: settled(dialog) and dialog.report is not before and dialog.report is not None
                    and not dialog.report.dry_run, timeout=WAIT_MS)


def test_publishing_to_a_folder_writes_the_site_and_lists_what_was_sent(open_window, seeded_db, qtbot, tmp_path):
    window = open_window(seeded_db)
    dialog = open_publish(window, qtbot)
    assert dialog.changes.paths() == []  # no target yet: nothing to compare
    assert dialog.findChild(QProgressBar, "publishProgress") is dialog.progress
    target = tmp_path / "www"

    set_target(dialog, str(target))
    qtbot.waitUntil(lambda: settled(dialog) and dialog.report is not None, timeout=WAIT_MS)
    assert dialog.report is not None and dialog.report.dry_run
    listed = dialog.changes.paths()
    assert "index.html" in listed and "feed.xml" in listed
    assert not (target / "index.html").exists()  # a dry run sends nothing
    assert dialog.summary.text().startswith("Would send")
    row = dialog.changes.topLevelItem(listed.index("index.html"))
    assert row is not None and row.text(1) == "to send" and row.text(2).endswith("B")

    publish(dialog, qtbot)
    report = dialog.report
    assert report is not None
    assert (target / "index.html").is_file() and (target / "crossing-the-glacier" / "index.html").is_file()
    assert dialog.summary.text() == report.summary() and report.summary().startswith(f"Published to {target}")
    assert sorted(dialog.changes.paths()) == sorted(u.path for u in report.plan.uploads)
    assert dialog.changes.topLevelItem(0).text(1) == "sent"
    assert dialog.progress.value() == 100
    assert report.summary() in dialog.log.toPlainText()
    assert window.statusBar().currentMessage() == report.summary()

    publish(dialog, qtbot)  # again, nothing changed since
    again = dialog.report
    assert again is not None and again.plan.empty
    assert dialog.summary.text().startswith("Nothing to publish")
    assert dialog.changes.paths() == []
    assert "Nothing to publish" in dialog.changes.topLevelItem(0).text(0)
    assert window.statusBar().currentMessage().startswith("Nothing to publish")


def test_the_target_is_kept_in_the_site_settings_and_comes_back(open_window, seeded_db, qtbot, tmp_path):
    window = open_window(seeded_db)
    dialog = open_publish(window, qtbot)
    target = str(tmp_path / "public")
    set_target(dialog, target)
    qtbot.waitUntil(lambda: settled(dialog) and dialog.report is not None, timeout=WAIT_MS)
    assert window.services.site.get().publish_to == target
    assert "kept in the site settings" in dialog.log.toPlainText()
    dialog.reject()
    assert not dialog.isVisible()

    window.commands.publish.trigger()  # opened again: the target is read back
    assert window.dialogs.last_dialog is dialog
    qtbot.waitUntil(lambda: dialog.target.text() == target and settled(dialog) and dialog.report is not None,
                    timeout=WAIT_MS)


def test_a_refused_target_shows_its_sentence_and_saves_nothing(open_window, seeded_db, qtbot, tmp_path):
    window = open_window(seeded_db)
    dialog = open_publish(window, qtbot)
    good = str(tmp_path / "www")
    set_target(dialog, good)
    qtbot.waitUntil(lambda: settled(dialog) and dialog.report is not None, timeout=WAIT_MS)

    set_target(dialog, "ftp://example.org/site")
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert "is not a target Field Notes can publish to" in dialog.error.text()
    assert window.services.site.get().publish_to == good  # nothing saved
    assert dialog.report is None and dialog.changes.paths() == []
    dialog.publish_button.click()  # refused again, and nothing is sent
    qtbot.waitUntil(lambda: settled(dialog) and dialog.error.isVisible(), timeout=5000)
    assert not (tmp_path / "www" / "index.html").exists()


@pytest.fixture
def big_db(db_path: Path) -> Path:
    """Enough finished entries that a publish sends a few hundred files."""
    services = open_services(db_path)
    try:
        for n in range(60):
            services.entries.create(EntryFields(
                title=f"Station {n:02d}", body=f"Reading the gauge at station {n}.\n\nThe wind held.",
                category=("Weather", "Rivers")[n % 2], status="finished", volume=1 + n // 30,
                tags=(f"t{n % 5}",), date=dt.date(2024, 1, 1) + dt.timedelta(days=n)))
    finally:
        services.close()
    return db_path


def test_cancel_stops_the_publish_and_the_next_one_finishes_it(open_window, big_db, qtbot, tmp_path, monkeypatch):
    import fieldnotes_desktop.services.site_publish as site_publish

    gate = threading.Event()  # the sixth file waits until the writer has pressed Cancel
    real = site_publish.open_connection

    def gated(*args, **kwargs):  # type: ignore[no-untyped-def]
        connection = real(*args, **kwargs)
        upload, sent = connection.upload, []

        def slow_upload(path: str, source: Path) -> None:
            if len(sent) >= 5:
                gate.wait(20)
            upload(path, source)
            sent.append(path)

        connection.upload = slow_upload
        return connection

    monkeypatch.setattr(site_publish, "open_connection", gated)
    window = open_window(big_db)
    dialog = open_publish(window, qtbot)
    target = tmp_path / "www"
    set_target(dialog, str(target))
    qtbot.waitUntil(lambda: settled(dialog) and dialog.report is not None, timeout=WAIT_MS)
    assert len(dialog.report.plan.uploads) > 60

    dialog.publish_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Sending"), timeout=WAIT_MS)
    assert dialog.cancel_button.isVisible() and not dialog.publish_button.isVisible()
    assert not dialog.target.isEnabled()
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    assert dialog.status.text().startswith("Publish stopped after")
    assert "the next publish finishes it" in dialog.log.toPlainText()
    assert not dialog.error.isVisible()  # a stop is not a failure
    assert dialog.publish_button.isVisible() and dialog.close_button.isVisible()

    publish(dialog, qtbot)
    assert dialog.report is not None and dialog.report.summary().startswith("Published to")
    assert site_files(target) == site_files(window.services.publishing.build_dir)


def test_closing_while_publishing_stops_it_first(open_window, big_db, qtbot, tmp_path):
    window = open_window(big_db)
    dialog = open_publish(window, qtbot)
    set_target(dialog, str(tmp_path / "www"))
    qtbot.waitUntil(lambda: settled(dialog) and dialog.report is not None, timeout=WAIT_MS)
    dialog.publish_button.click()
    qtbot.waitUntil(dialog.cancel_button.isVisible, timeout=WAIT_MS)  # under way
    dialog.reject()  # Escape
    assert dialog.isVisible() and dialog.status.text() == "Stopping…"  # until the job has stopped
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert not dialog.is_running()


def test_a_server_asking_for_a_password_gets_a_field_for_it(open_window, seeded_db, qtbot, monkeypatch, tmp_path):
    from fieldnotes_desktop.services.site_publish import PublishService

    seen = []
    real = PublishService.publish

    def asking(self, options, progress=None, cancelled=None):  # type: ignore[no-untyped-def]
        seen.append(options)
        if not options.dry_run and options.password is None:
            raise PasswordNeeded("me@example.org asked for a password; give it when Field Notes asks.")
        if not options.dry_run and not options.trust_host:
            raise UnknownHost("The server example.org is not known yet: it offered an ED25519 key SHA256:x.")
        return real(self, options, progress, cancelled)

    monkeypatch.setattr(PublishService, "publish", asking)
    window = open_window(seeded_db)
    dialog = open_publish(window, qtbot)
    set_target(dialog, str(tmp_path / "www"))
    qtbot.waitUntil(lambda: settled(dialog) and dialog.report is not None, timeout=WAIT_MS)
    assert not dialog.password.isVisible() and not dialog.trust_host.isVisible()

    dialog.publish_button.click()
    qtbot.waitUntil(lambda: settled(dialog) and dialog.password.isVisible(), timeout=WAIT_MS)
    assert "asked for a password" in dialog.error.text()
    assert any("system keyring" in label.text() for label in dialog.password_row.findChildren(QLabel))
    dialog.password.setText("hunter2")
    dialog.publish_button.click()
    qtbot.waitUntil(lambda: settled(dialog) and dialog.trust_host.isVisible(), timeout=WAIT_MS)
    assert seen[-1].password == "hunter2" and "not known yet" in dialog.error.text()

    dialog.trust_host.setChecked(True)
    publish(dialog, qtbot)
    assert seen[-1].trust_host and seen[-1].password == "hunter2"
    assert not dialog.password.isVisible() and dialog.password.text() == ""  # kept by the keyring now
