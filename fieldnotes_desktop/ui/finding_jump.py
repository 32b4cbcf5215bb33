"""Takes the writer to a finding of the checks: its entry opened and selected, the cursor on its line."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from fieldnotes_desktop.records import Entry, Finding
from fieldnotes_desktop.ui.desk import Desk
from fieldnotes_desktop.ui.editor import MarkdownEditor
from fieldnotes_desktop.ui.outline import go_to_line


class FindingJump(QObject):
    """Opens the entry the way the list does (the desk selects its row), then jumps as the outline does."""

    def __init__(self, desk: Desk, editor: MarkdownEditor, window: QWidget) -> None:
        super().__init__(window)
        self._desk = desk
        self._editor = editor
        self._window = window
        self._waiting: tuple[int, int | None] | None = None  # the entry being opened, and the line
        desk.entry_opened.connect(self._on_desk_entry_opened)

    def go(self, finding: Finding) -> None:
        if finding.entry_id is None:
            return
        self._window.raise_()
        self._window.activateWindow()
        open_now = self._desk.entry
        if open_now is not None and open_now.id == finding.entry_id:
            self._waiting = None
            self._jump(finding.line)
            return
        self._waiting = (finding.entry_id, finding.line)
        self._desk.open_entry(finding.entry_id)

    def _on_desk_entry_opened(self, entry: Entry) -> None:
        if self._waiting is None:
            return
        entry_id, line = self._waiting
        self._waiting = None  # another entry opened first: the writer went elsewhere
        if entry.id == entry_id:
            self._jump(line)

    def _jump(self, line: int | None) -> None:
        if line is None or not go_to_line(self._editor, line - 1):  # a finding's lines count from 1
            self._editor.setFocus()
