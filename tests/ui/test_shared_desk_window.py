"""The window on a desk on a real PostgreSQL server, with another writer saving from another process."""

from __future__ import annotations

import time

from PySide6.QtGui import QTextCursor

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from tests.ui.conftest import cli


def _titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.entry_list.model
    return [model.summary_at(row).title for row in range(model.rowCount())]


def _seeded(url: str) -> str:
    services = open_services(url)
    try:
        services.entries.create(EntryFields(title="Harbour at low tide", body="Boats lean on their keels."))
        services.entries.create(EntryFields(title="Fog on the moor", body="Sheep appear and vanish."))
    finally:
        services.close()
    return url


def _stored(url: str, title: str) -> tuple[str, list[tuple[str, str]]]:
    """The entry's body on the server and its revisions' (reason, body)."""
    services = open_services(url)
    try:
        summary = next(s for s in services.entries.list_summaries() if s.title == title)
        return services.entries.get(summary.id).body, [(r.reason, r.body) for r in services.entries.revisions(summary.id)]
    finally:
        services.close()


def test_another_writers_new_entry_shows_up_in_the_list_within_two_seconds(open_window, pg_url, qtbot, tmp_path):
    window = open_window(_seeded(pg_url))
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() == 2, timeout=5000)
    post = tmp_path / "posts" / "2025-02-01-scree-run.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: Scree run\n---\nDown the gully at a run.\n", encoding="utf-8")
    result = cli(pg_url, "import", str(post.parent))  # type: ignore[arg-type]
    assert result.returncode == 0, result.stderr
    done = time.monotonic()
    qtbot.waitUntil(lambda: "Scree run" in _titles(window), timeout=2000)
    assert time.monotonic() - done <= 2.0


def test_a_save_over_another_writers_keeps_my_text_and_keep_mine_loses_neither(open_window, pg_url, qtbot):
    window = open_window(_seeded(pg_url))
    qtbot.waitUntil(lambda: window.desk.entry is not None, timeout=5000)
    title = window.desk.entry.title
    window.external.stop()  # the save itself meets the other writer, before the app notices
    window.desk.saver._idle.setInterval(60_000)
    window.desk.saver._max_wait.setInterval(60_000)
    window.editor.setFocus()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, " Mine, typed on this computer.")
    mine = window.editor.toPlainText()
    other = open_services(pg_url)
    try:
        entry = next(s for s in other.entries.list_summaries() if s.title == title)
        other.entries.update(entry.id, EntryFields(body="Theirs, saved first on another computer."))
    finally:
        other.close()

    window.desk.saver.save_now()
    qtbot.waitUntil(lambda: window.conflict_bar.isVisible(), timeout=5000)
    assert "changed elsewhere" in window.save_state_label.text()
    assert window.editor.toPlainText() == mine
    assert _stored(pg_url, title)[0] == "Theirs, saved first on another computer."

    window.conflict_bar.keep_button.click()
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    body, revisions = _stored(pg_url, title)
    assert body == mine
    assert ("conflict", "Theirs, saved first on another computer.") in revisions
