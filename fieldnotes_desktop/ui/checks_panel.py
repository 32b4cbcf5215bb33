"""The pre-publish checks as a list: errors first, each "slug · line N — message"; activating one opens it.

The checks read the whole desk, so they run on the long-job lane; the panel shows what they
found, or is handed the findings a publish already made (`show_findings`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fieldnotes_desktop.records import ERROR, Finding
from fieldnotes_desktop.ui.dialogs.style import error_label, show_failure
from fieldnotes_desktop.ui.tasks import JobControl, LongJob, Op, Tasks
from fieldnotes_desktop.ui.theme import DARK, LIGHT, Colors

FINDING_ROLE = Qt.ItemDataRole.UserRole


def describe(finding: Finding) -> str:
    """`glacier-notes · line 12 — The link to /no-such-page leads nowhere; …`"""
    where = finding.slug or "The site"
    if finding.line is not None:
        where += f" · line {finding.line}"
    return f"{where} — {finding.message}"


def in_order(findings: Sequence[Finding]) -> list[Finding]:
    """Errors first, then by entry and line, so one entry's findings read top to bottom."""
    return sorted(findings, key=lambda f: (f.level != ERROR, f.slug, f.line or 0))


def headline(findings: Sequence[Finding]) -> str:
    errors = sum(1 for f in findings if f.level == ERROR)
    warnings = len(findings) - errors
    if not findings:
        return "No problems found: nothing stops the publish."
    counts = [_counted(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n]
    found = " and ".join(counts)
    # Only a finding about an entry opens; one about the site as a whole says what to set instead.
    go = any(f.entry_id is not None for f in findings)
    if errors:
        stop = "stops" if errors == 1 else "stop"
        hint = " Double-click one to fix it." if go else ""
        return f"{found}: the {'error' if errors == 1 else 'errors'} {stop} the publish.{hint}"
    return f"{found}; nothing stops the publish." + (" Double-click one to look at it." if go else "")


class FindingList(QListWidget):
    """The findings; Enter opens the one chosen and goes no further."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            # The view emits `activated` and passes the key on, and a dialog would then press its
            # default button: Publish, from the Publish dialog.
            event.accept()


class ChecksPanel(QWidget):
    """A headline, the findings and Check Again; `finding_activated` carries the Finding chosen."""

    finding_activated = Signal(object)  # Finding with an entry: the window opens it at its line
    checked = Signal(object)  # tuple[Finding, ...] now shown

    def __init__(self, run_checks: Callable[[], Sequence[Finding]], tasks: Tasks,
                 flush_edits: Callable[[], None] | None = None, parent: QWidget | None = None) -> None:
        """`run_checks` runs on the long-job lane once the saves `flush_edits` queues are stored,
        so the text on screen is what is checked; failures not ours go to the app's presenter."""
        super().__init__(parent)
        self.setObjectName("checksPanel")
        self.setAccessibleName("Checks before publishing")
        self._run_checks = run_checks
        self._tasks = tasks
        self._flush_edits = flush_edits
        self._job: LongJob | None = None
        self._asked = False  # waiting for the saves before the checks start
        self._findings: tuple[Finding, ...] = ()

        self.headline = QLabel("Not checked yet.")
        self.headline.setObjectName("checksHeadline")
        self.headline.setWordWrap(True)
        self.check_button = QPushButton("Check Again")
        self.check_button.setObjectName("checksRun")
        self.check_button.setToolTip("Check every finished entry again: links, images and their alt text")
        self.check_button.setAutoDefault(False)  # Enter in the list opens a finding, it does not check again
        self.check_button.clicked.connect(self.run_checks)
        self.list = FindingList()
        self.list.setObjectName("checksList")
        self.list.setAccessibleName("Findings")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.error = error_label()

        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self._findings

    def is_checking(self) -> bool:
        return self._job is not None or self._asked

    def run_checks(self) -> None:
        """Checks the desk again, off the GUI thread; the list stays until the new one is in."""
        if self._job is not None or self._asked:
            return
        self._asked = True
        self.check_button.setEnabled(False)
        self.error.hide()
        self.headline.setText("Checking the entries…")
        if self._flush_edits is not None:
            self._flush_edits()
        # After what the database lane holds now (those saves), like every read the window makes.
        self._tasks.run(Op(_nothing), lambda _none: self._start_job(), self._on_checks_failed)

    def _start_job(self) -> None:
        run = self._run_checks

        def work(_control: JobControl) -> tuple[Finding, ...]:
            return tuple(run())

        self._asked = False
        self._job = self._tasks.jobs.start("checks", work, self._on_checks_done, self._on_checks_failed)

    def show_findings(self, findings: Sequence[Finding]) -> None:
        self._findings = tuple(in_order(findings))
        self.headline.setText(headline(self._findings))
        self._fill()
        self.checked.emit(self._findings)

    # -- results -------------------------------------------------------------------------

    def _on_checks_done(self, findings: tuple[Finding, ...]) -> None:
        self._job = None
        self.check_button.setEnabled(True)
        self.show_findings(findings)

    def _on_checks_failed(self, error: BaseException) -> None:
        self._job = None
        self._asked = False
        self.check_button.setEnabled(True)
        self.headline.setText("The checks did not finish.")
        show_failure(self.error, error, self._tasks.failed.emit)

    def _fill(self) -> None:
        colors = _colors(self.palette())
        style = self.style()
        icons = {ERROR: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
                 "warning": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)}
        self.list.clear()
        for finding in self._findings:
            item = QListWidgetItem(icons.get(finding.level, icons["warning"]), describe(finding))
            item.setData(FINDING_ROLE, finding)
            kind = "Error" if finding.level == ERROR else "Warning"
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{kind}: {describe(finding)}")
            item.setToolTip(f"{kind} ({finding.code}). " + (
                "Double-click or press Enter to open the entry at this line." if finding.entry_id is not None
                else "About the site as a whole, not one entry."))
            if finding.level == ERROR:
                item.setForeground(QBrush(QColor(colors.error)))
            self.list.addItem(item)
        if self._findings:
            self.list.setCurrentRow(0)

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        finding = item.data(FINDING_ROLE)
        if isinstance(finding, Finding) and finding.entry_id is not None:
            self.finding_activated.emit(finding)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._findings:
            self._fill()  # light to dark: the errors' red is the theme's


def _nothing() -> None:
    """Waits its turn on the database lane."""


def _colors(palette: QPalette) -> Colors:
    """The theme's colours for the palette in use (ui/theme.py sets one of the two)."""
    window = palette.color(QPalette.ColorRole.Window)
    if not window.isValid():
        window = QApplication.palette().color(QPalette.ColorRole.Window)
    return DARK if window.lightness() < 128 else LIGHT


def _counted(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"
