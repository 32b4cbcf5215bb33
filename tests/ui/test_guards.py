"""Small guards against losing or overwriting text: read-only find/replace, one lock per file."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes_desktop.ui.editor import MarkdownEditor
from fieldnotes_desktop.ui.find_bar import FindBar
from fieldnotes_desktop.ui.instance import AlreadyOpenError, InstanceLock


def test_replace_does_not_touch_a_read_only_entry(qtbot):  # type: ignore[no-untyped-def]
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    editor.set_text("ice and more ice")
    editor.setReadOnly(True)  # as an entry in the trash is shown
    bar = FindBar(editor)
    qtbot.addWidget(bar)
    bar.find_field.setText("ice")
    bar.replace_field.setText("snow")
    assert bar.replace_all() == 0
    bar.replace_one()
    assert editor.toPlainText() == "ice and more ice"


def test_the_same_database_by_another_path_is_refused(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "notes.db"
    db.touch()
    link = tmp_path / "alias.db"
    link.symlink_to(db)
    first = InstanceLock(db)
    first.acquire()
    try:
        with pytest.raises(AlreadyOpenError):
            InstanceLock(link).acquire()
    finally:
        first.release()
