"""The publish dialog's upper part: where the site goes, kept in the site settings, and the server's questions.

The target is read from the site settings and saved there once it is valid, on the database
lane; a refused one keeps its sentence for the dialog and saves nothing. The password field and
the host-key checkbox appear only when the server asked (PasswordNeeded, an unknown host).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from fieldnotes_desktop.records import SiteProfile
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.ui.dialogs.style import hint_label
from fieldnotes_desktop.ui.tasks import Op, Tasks

if TYPE_CHECKING:
    from fieldnotes_desktop.services.site_publish import PublishOptions

PLACEHOLDER = "/srv/www/blog   ·   sftp://me@example.org/var/www   ·   git+ssh://git@host/me/site.git#gh-pages"
FORMS = (
    "<table cellspacing='0' cellpadding='1'>"
    "<tr><td>A folder on this computer:&nbsp;&nbsp;</td><td><tt>/srv/www/blog</tt> or <tt>~/Sites/notes</tt></td></tr>"
    "<tr><td>A server, over SFTP:</td><td><tt>sftp://me@example.org/var/www</tt>"
    " (a port: <tt>sftp://me@example.org:2222/…</tt>)</td></tr>"
    "<tr><td>A branch of a git repository:</td><td><tt>git+ssh://git@github.com/me/me.github.io.git#gh-pages</tt>"
    "</td></tr></table>"
    "Only what changed since the last publish is sent; files Field Notes did not put there are left alone."
)


def wait_for_saves() -> None:
    """A database-lane op that only waits its turn: what was queued before it (a save) is stored."""


class TargetForm(QWidget):
    """`saved` and `refused` say how the last change of the target went; `loaded` gives the one kept."""

    loaded = Signal(str)  # the target kept in the site settings
    saved = Signal(str)  # a changed target, now kept
    refused = Signal(object)  # the error a changed target was refused with; nothing was saved
    failed = Signal(object)  # the settings could not be read

    def __init__(self, services: Services, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._kept = ""  # as the site settings hold it
        self._saving: str | None = None  # a target on its way to the site settings
        self._after_save: Callable[[], None] | None = None
        self._next: Callable[[], None] | None = None  # runs once the saves queued before it are stored
        self._loading = False

        self.field = QLineEdit()
        self.field.setObjectName("publishTarget")
        self.field.setAccessibleName("Publish to")
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setClearButtonEnabled(True)
        self.test_button = QPushButton("Test Connection")
        self.test_button.setObjectName("publishTest")
        self.test_button.setAutoDefault(False)
        self.forms_link = QLabel("<a href='forms'>What can I type?</a>")
        self.forms_link.setObjectName("publishFormsLink")
        self.forms_link.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.forms_link.linkActivated.connect(self._on_forms_link_activated)
        self.forms_hint = hint_label(FORMS, wrap=False)  # a wrapping label in a form is squeezed narrow
        self.forms_hint.setObjectName("publishForms")
        self.forms_hint.hide()
        self.trust_host = QCheckBox("Trust this server's key")
        self.trust_host.setObjectName("publishTrustHost")
        self.trust_host.setToolTip("Records the key the server offered in ~/.ssh/known_hosts, as ssh would after "
                                   "you answer yes; tick it only if you know the key is your server's.")
        self.trust_host.hide()
        self.password = QLineEdit()
        self.password.setObjectName("publishPassword")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label = QLabel("Password:")
        self.password_row = QWidget()
        password_row = QHBoxLayout(self.password_row)
        password_row.setContentsMargins(0, 0, 0, 0)
        password_row.addWidget(self.password, 1)
        password_row.addWidget(hint_label("kept in the system keyring", wrap=False))
        self.password_label.hide()
        self.password_row.hide()

        target_row = QHBoxLayout()
        target_row.addWidget(self.field, 1)
        target_row.addWidget(self.test_button)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Publish to:", target_row)
        form.addRow("", self.forms_link)
        form.addRow("", self.forms_hint)
        form.addRow("", self.trust_host)
        form.addRow(self.password_label, self.password_row)

    def text(self) -> str:
        return self.field.text().strip()

    def changed(self) -> bool:
        """The field holds a target neither kept nor on its way to be."""
        return self.text() not in (self._kept, self._saving)

    def is_busy(self) -> bool:
        """Reading the kept target, saving a new one, or waiting for the saves before a job."""
        return self._loading or self._saving is not None or self._next is not None

    def options(self, *, dry_run: bool = False, force: bool = False) -> PublishOptions:
        from fieldnotes_desktop.services.site_publish import PublishOptions

        password = self.password.text() if self.password_row.isVisible() and self.password.text() else None
        return PublishOptions(target=self.text(), dry_run=dry_run, force=force,
                              trust_host=self.trust_host.isChecked(), password=password)

    def load(self) -> None:
        """Reads the kept target; the field waits, so what the writer types is never replaced."""
        self._loading = True
        self.field.setEnabled(False)
        services = self._services

        def load() -> SiteProfile:
            services.publishing  # noqa: B018 - made here, on the lane, not by two jobs at once
            return services.site.get()

        self._tasks.run(Op(load), self._on_site_loaded, self._on_site_failed)

    def after_target(self, then: Callable[[], None] | None) -> None:
        """Saves the target when it changed (`saved`), then runs `then`; a refused target emits
        `refused` and runs nothing. Unchanged, `then` runs once the saves queued on the database
        lane before it are stored. The dialog calls this when the field's editing is finished too."""
        text = self.text()
        if text == self._saving:  # on its way already
            if then is not None:
                self._after_save = then
            return
        if text == self._kept:
            if then is not None:
                self._next = then
                self._tasks.run(Op(wait_for_saves), lambda _none: self._on_saves_stored())
            return
        self._saving, self._after_save = text, then
        services = self._services
        self._tasks.run(Op(lambda: services.site.update(publish_to=text)),
                        self._on_target_saved, self._on_target_refused)

    def drop_waiting(self) -> None:
        """What was to run after the target or the saves (the dialog is closing) does not."""
        self._next = self._after_save = None

    def ask_password(self, shown: bool) -> None:
        self.password_label.setVisible(shown)
        self.password_row.setVisible(shown)
        if shown:
            self.password.setFocus()
        else:
            self.password.clear()  # kept in the keyring once it worked

    def set_locked(self, locked: bool) -> None:
        for widget in (self.field, self.test_button, self.trust_host, self.password):
            widget.setEnabled(not locked)

    # -- answers -------------------------------------------------------------------------

    def _on_site_loaded(self, profile: SiteProfile) -> None:
        self._loading = False
        self.field.setEnabled(True)
        self._kept = profile.publish_to
        self.field.setText(profile.publish_to)
        self.loaded.emit(profile.publish_to)

    def _on_site_failed(self, error: BaseException) -> None:
        self._loading = False
        self.field.setEnabled(True)
        self.failed.emit(error)

    def _on_saves_stored(self) -> None:
        then, self._next = self._next, None
        if then is not None:
            then()

    def _on_target_saved(self, profile: SiteProfile) -> None:
        then, self._after_save, self._saving = self._after_save, None, None
        self._kept = profile.publish_to
        self.trust_host.setChecked(False)  # another server: its key is asked about anew
        self.trust_host.hide()
        self.ask_password(False)
        self.saved.emit(profile.publish_to)
        if then is not None:
            then()

    def _on_target_refused(self, error: BaseException) -> None:
        self._saving = self._after_save = None
        self.refused.emit(error)

    def _on_forms_link_activated(self, _link: str) -> None:
        self.forms_hint.setVisible(not self.forms_hint.isVisible())
