"""The publish dialog: where the site goes, what would change, what the checks found, then the publish.

The dry run (what a publish would send, found by building the site and comparing it with the
target's record), the publish and the connection test run one at a time on the long-job lane
(`SerialJobs`): they build into, and talk to, the same places. The target is saved in the site
settings once it is valid; a refused one shows its sentence and saves nothing. The dialog is not
modal, so a finding can be fixed in the editor while it stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldnotes_desktop.errors import ExportCancelled, FieldnotesError, PasswordNeeded, PublishCancelled, UnknownHost
from fieldnotes_desktop.records import Finding
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.checks_panel import ChecksPanel
from fieldnotes_desktop.ui.dialogs.job_dialog import percent, progress_bar
from fieldnotes_desktop.ui.dialogs.style import error_label, hint_label, show_failure
from fieldnotes_desktop.ui.publish_changes import ChangesList
from fieldnotes_desktop.ui.publish_target import TargetForm, wait_for_saves
from fieldnotes_desktop.ui.serial_jobs import SerialJobs
from fieldnotes_desktop.ui.tasks import JobControl, Tasks

if TYPE_CHECKING:
    from fieldnotes_desktop.services.site_publish import PublishOptions, PublishReport

# Where the service's progress labels say it is ("Building: slug", "Sending: path"), as the log says it.
_PHASES = {"Building": "Building the site…", "Sending": "Sending the changes…"}
_PREVIEW, _PUBLISH, _TEST = "preview", "publish", "test"


def _unknown_host(error: BaseException) -> bool:
    return isinstance(error, UnknownHost)


class PublishDialog(QDialog):
    """`published` carries the PublishReport of each publish that ran to its end."""

    published = Signal(object)  # PublishReport
    finding_activated = Signal(object)  # Finding: the window opens its entry at its line

    def __init__(self, services: Services, tasks: Tasks, parent: QWidget | None = None,
                 flush_edits: Callable[[], None] | None = None) -> None:
        """`flush_edits` queues the saves of what is typed, so a publish sends the text on screen."""
        super().__init__(parent)
        self.setObjectName("publishDialog")
        self.setAccessibleName("Publish")
        self.setWindowTitle("Publish Site")
        self.setModal(False)
        self.setMinimumSize(640, 480)
        self.resize(780, 620)
        self._services = services
        self._tasks = tasks
        self._flush_edits = flush_edits or wait_for_saves
        self._serial = SerialJobs(tasks.jobs, self)
        self._serial.progressed.connect(self._on_serial_progressed)
        self._serial.went_idle.connect(self._on_serial_went_idle)
        self._kind = ""  # the job of `_serial` running now: _PREVIEW, _PUBLISH or _TEST
        self._phase = ""
        self._close_when_done = False
        self._report: PublishReport | None = None

        self.target_form = TargetForm(services, tasks)
        form = self.target_form
        # The names a test or a screen reader finds the fields by.
        self.target, self.test_button, self.trust_host = form.field, form.test_button, form.trust_host
        self.password, self.password_row = form.password, form.password_row
        form.field.editingFinished.connect(self._on_target_editing_finished)
        form.test_button.clicked.connect(self.test_connection)
        form.password.returnPressed.connect(self.start_publish)
        form.loaded.connect(self._on_target_form_loaded)
        form.failed.connect(self._on_target_form_failed)
        form.saved.connect(self._on_target_form_saved)
        form.refused.connect(self._on_target_form_refused)
        self._build_results()
        self._build_buttons()
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(form)
        layout.addSpacing(4)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

    # -- building ------------------------------------------------------------------------

    def _build_results(self) -> None:
        self.progress = progress_bar()
        self.progress.setObjectName("publishProgress")
        self.progress.setAccessibleName("Publish progress")
        self.progress.setFormat("%p %")
        self.progress.valueChanged.connect(lambda value: self.progress.setTextVisible(value > 0))
        self.status = hint_label(wrap=False)
        self.status.setObjectName("publishStatus")
        self.status.setAccessibleName("Current step")
        self.summary = QLabel()
        self.summary.setObjectName("publishSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()
        self.error = error_label()

        self.changes = ChangesList()
        services = self._services
        self.checks = ChecksPanel(lambda: services.checks.run(), self._tasks, self._flush_edits)
        self.checks.setContentsMargins(8, 8, 8, 8)  # inside its tab, off the tab's edges
        self.checks.finding_activated.connect(self.finding_activated)
        self.checks.checked.connect(self._on_checks_checked)
        self.log = QPlainTextEdit()
        self.log.setObjectName("publishLog")
        self.log.setAccessibleName("Publish log")
        self.log.setReadOnly(True)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("publishTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.changes, "Changes")
        self.tabs.addTab(self.checks, "Checks")
        self.tabs.addTab(self.log, "Log")

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox()
        self.anyway_button = self.buttons.addButton("Publish Anyway", QDialogButtonBox.ButtonRole.ActionRole)
        self.anyway_button.setObjectName("publishAnyway")
        self.anyway_button.setToolTip("Send the site with the errors the checks found")
        self.anyway_button.hide()
        self.publish_button = self.buttons.addButton("Publish", QDialogButtonBox.ButtonRole.AcceptRole)
        self.publish_button.setObjectName("publishStart")
        self.publish_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("publishCancel")
        self.cancel_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("publishClose")
        self.publish_button.clicked.connect(self.start_publish)
        self.anyway_button.clicked.connect(self.publish_anyway)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

    # -- what the writer does ------------------------------------------------------------

    @property
    def report(self) -> PublishReport | None:
        """The last dry run's or publish's report."""
        return self._report

    def is_running(self) -> bool:
        """Something is under way: the settings read, a target saved, a dry run, publish or test."""
        return self._serial.busy() or self.target_form.is_busy()

    def start(self) -> None:
        """Reads the saved target, then shows what a publish would send and what the checks find."""
        self.error.hide()
        self.anyway_button.hide()
        self._show_step("Reading the site settings…")
        self._flush_edits()  # saved before the settings are read, so the dry run sees the text on screen
        self.target_form.load()

    def preview(self) -> None:
        """A dry run: the site built, compared with the target's record, nothing sent."""
        if self._kind in (_PUBLISH, _TEST):
            return  # what they find out is newer
        if not self.target_form.text():
            self.changes.show_note("Nothing to compare yet: type where the site goes above.")
            self._show_step("Type where the site goes, then press Enter.")
            return
        self._run(_PREVIEW, self.target_form.options(dry_run=True, force=True))

    def start_publish(self) -> None:
        self._publish(force=False)

    def publish_anyway(self) -> None:
        self._publish(force=True)

    def test_connection(self) -> None:
        self.target_form.after_target(lambda: self._run(_TEST, self.target_form.options()))

    def cancel(self) -> None:
        if self._serial.busy():
            self._serial.cancel()
            self.cancel_button.setEnabled(False)
            self._show_step("Stopping…")

    def _publish(self, *, force: bool) -> None:
        if self._kind in (_PUBLISH, _TEST):
            return
        self._flush_edits()  # queued on the database lane, before what `after_target` waits for
        form = self.target_form
        form.after_target(lambda: self._run(_PUBLISH, form.options(force=force)))

    # -- the target ----------------------------------------------------------------------

    def _on_target_editing_finished(self) -> None:
        # Also sent when the field merely loses the focus (locked while a publish runs): only a
        # new target is saved and compared.
        if self.target_form.changed():
            self.target_form.after_target(self.preview)

    def _on_target_form_loaded(self, target: str) -> None:
        self.preview()  # its checks fill the Checks tab too
        if not target:  # no dry run, so the checks run on their own
            self.checks.run_checks()
            self.target.setFocus()

    def _on_target_form_failed(self, error: BaseException) -> None:
        self.status.setText("")
        show_failure(self.error, error, self._tasks.failed.emit)

    def _on_target_form_saved(self, target: str) -> None:
        self.error.hide()
        self.anyway_button.hide()
        self._log(f"Publishing to {target} from now on (kept in the site settings)."
                  if target else "No publish target is kept in the site settings now.")

    def _on_target_form_refused(self, error: BaseException) -> None:
        self._report = None
        self.changes.show_note("Nothing to compare: the target above is not one Field Notes can publish to.")
        self._show_step("The target was not saved.")
        show_failure(self.error, error, self._tasks.failed.emit)
        if isinstance(error, FieldnotesError):
            self._log(error.message)

    # -- running -------------------------------------------------------------------------

    def _run(self, kind: str, options: PublishOptions) -> None:
        services = self._services
        if kind == _TEST:
            def work(control: JobControl) -> object:
                return services.publishing.test_connection(options)
        else:
            def work(control: JobControl) -> object:
                return services.publishing.publish(options, progress=control.progress, cancelled=control.cancelled)

        self.error.hide()
        self._phase = ""
        self._kind = kind
        self._set_running(kind)
        self.progress.setValue(0)
        where = options.target
        begin = {_PREVIEW: ("Finding what changed…", f"Comparing this site with what {where} holds…"),
                 _PUBLISH: ("Starting…", f"Publishing to {where}…"),
                 _TEST: ("Connecting…", f"Connecting to {where}…")}[kind]
        self._show_step(begin[0])
        self._log(begin[1])
        self._serial.start(kind, work, lambda result: self._on_job_done(kind, result),
                           lambda error: self._on_job_failed(kind, error))

    def _on_serial_progressed(self, done: int, total: int, label: str) -> None:
        self.progress.setValue(percent(done, total))
        self._show_step(f"{label}  ·  {done:,} of {total:,}")
        phase = label.partition(":")[0]
        if phase != self._phase and phase in _PHASES:
            self._phase = phase
            self._log(_PHASES[phase])

    def _on_job_done(self, kind: str, result: object) -> None:
        if self._serial.superseded():
            return
        self._kind = ""
        self._set_running("")
        if kind == _TEST:
            self._show_step(str(result))
            self._log(str(result))
            if self._report is None:
                self.preview()  # the connection works now: show what a publish would send
            return
        from fieldnotes_desktop.services.site_publish import PublishReport

        assert isinstance(result, PublishReport)
        self._show_report(result)
        if kind == _PUBLISH:
            self.target_form.ask_password(False)  # kept in the keyring now, if the server asked for one
            self.published.emit(result)

    def _show_report(self, report: PublishReport) -> None:
        self._report = report
        dry = report.dry_run
        self.progress.setValue(0 if dry else 100)
        self.changes.show_plan(report.plan, done=not dry)
        count = len(report.plan.uploads) + len(report.plan.deletions)
        self.tabs.setTabText(self.tabs.indexOf(self.changes), f"Changes ({count:,})" if count else "Changes")
        self.summary.setText(report.summary())
        self.status.setText("")
        self.status.hide()  # the summary says it, in the same place
        self.summary.show()
        self.checks.show_findings(report.findings)
        for warning in report.warnings:
            self._log(f"Warning: {warning}")
        self._log(report.summary())
        self.anyway_button.hide()
        if not dry:
            self.tabs.setCurrentWidget(self.changes)

    def _on_job_failed(self, kind: str, error: BaseException) -> None:
        if self._serial.superseded():
            return  # a newer job replaced this one: its stop is no news
        self._kind = ""
        self._set_running("")
        self.progress.setValue(0)
        if isinstance(error, (PublishCancelled, ExportCancelled)):
            self._show_step(error.message)
            self._log(error.message)
            return
        self._show_step({_PREVIEW: "Could not find what would change.", _TEST: "Not connected.",
                         _PUBLISH: "Nothing more was published."}[kind])
        from fieldnotes_desktop.services.site_publish import ChecksFailed

        if isinstance(error, ChecksFailed):
            self.checks.show_findings(error.findings)
            self.tabs.setCurrentWidget(self.checks)
            self.anyway_button.show()
        elif isinstance(error, PasswordNeeded):
            self.target_form.ask_password(True)
        elif _unknown_host(error):
            self.trust_host.show()
        if kind == _PREVIEW:
            self._report = None
            self.summary.hide()
            self.changes.show_note("Nothing to compare: see the line in red above.")
            if not self.checks.findings and not self.checks.is_checking():
                self.checks.run_checks()  # the dry run stopped before its checks ran
        show_failure(self.error, error, self._tasks.failed.emit)
        if isinstance(error, FieldnotesError):
            self._log(error.message)

    def _on_checks_checked(self, findings: tuple[Finding, ...]) -> None:
        errors = sum(1 for f in findings if f.level == "error")
        self.tabs.setTabText(self.tabs.indexOf(self.checks), f"Checks ({len(findings):,})" if findings else "Checks")
        if errors == 0:
            self.anyway_button.hide()

    def _show_step(self, text: str) -> None:
        """The line under the bar: what is being done now, in place of the last summary."""
        self.summary.hide()
        self.status.show()
        self.status.setText(text)

    def _set_running(self, kind: str) -> None:
        """A dry run leaves everything usable (Publish replaces it); a publish or a test locks the fields."""
        locked = kind in (_PUBLISH, _TEST)
        self.target_form.set_locked(locked)
        self.publish_button.setEnabled(not locked)
        self.anyway_button.setEnabled(not locked)
        self.publish_button.setVisible(not locked)
        self.close_button.setVisible(not locked)
        self.cancel_button.setVisible(locked)
        self.cancel_button.setEnabled(locked)
        if locked:
            self.cancel_button.setDefault(False)
        else:
            self.publish_button.setDefault(True)

    def _log(self, line: str) -> None:
        self.log.appendPlainText(line)

    # -- closing -------------------------------------------------------------------------

    def _on_serial_went_idle(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def reject(self) -> None:
        # Escape or the title bar's close while a job runs stops it, and the dialog goes once it has:
        # a publish stopped between two files leaves a target the next publish finishes.
        self.target_form.drop_waiting()  # a publish asked for, still waiting for the saves, is not run
        if self._serial.busy():
            self._close_when_done = True
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._serial.busy():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
