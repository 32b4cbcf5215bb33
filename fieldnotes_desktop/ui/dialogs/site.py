"""The site settings dialog: title, author card, the "now" text, the published address, language and typography."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldnotes_desktop.records import SiteProfile
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.site import TYPOGRAPHY
from fieldnotes_desktop.ui.dialogs.style import error_label, hint_label, show_failure
from fieldnotes_desktop.ui.tasks import Changes, Op, Tasks

_LINE_FIELDS = (
    ("title", "Site title:", "Field Notes"),
    ("author", "Author:", "Your name"),
    ("role", "Role:", "What you do, e.g. Backend engineer"),
    ("location", "Location:", "Where you write from"),
    ("base_url", "Site address:", "https://example.com/blog/"),
    ("language", "Language:", "en, de, fr, pt-BR…"),
)
_HINTS = {
    "base_url": "For the feed and the sitemap; empty keeps every link relative.",
    "language": "The quotes and the spell check follow it.",
}
_SMART, _PLAIN = TYPOGRAPHY


class SiteSettingsDialog(QDialog):
    """Reads and saves the site profile on the database worker; errors show as one inline sentence."""

    site_changed = Signal(object)  # SiteProfile

    def __init__(self, services: Services, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("siteSettingsDialog")
        self.setWindowTitle("Site Settings")
        self.resize(620, 560)
        self._services = services
        self._tasks = tasks
        self._loaded: SiteProfile | None = None

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.fields: dict[str, QLineEdit] = {}
        for name, label, placeholder in _LINE_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"site_{name}")
            edit.setAccessibleName(label.rstrip(":"))
            edit.setPlaceholderText(placeholder)
            form.addRow(label, edit)
            self.fields[name] = edit
            if name in _HINTS:
                form.addRow("", hint_label(_HINTS[name], wrap=False))
        self.smart_typography = QCheckBox("Smart typography: curly quotes, dashes and ellipses")
        self.smart_typography.setObjectName("site_typography")
        self.smart_typography.setAccessibleName("Smart typography")
        self.smart_typography.setToolTip('As published: "quotes" become “quotes”, -- and --- become – and —, '
                                         "... becomes …; never inside code. Off: published as typed.")
        form.addRow("Typography:", self.smart_typography)
        self.now_text = QPlainTextEdit()
        self.now_text.setObjectName("site_now_md")
        self.now_text.setAccessibleName("What I am doing now")
        self.now_text.setPlaceholderText("What you are doing now, in Markdown. It appears on every entry page.")
        self.now_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.now_text.setTabChangesFocus(True)
        form.addRow("Now:", self.now_text)

        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("siteSave")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self._set_enabled(False)
        tasks.run(Op(services.site.get), self._on_site_loaded, self._on_operation_failed)

    def values(self) -> dict[str, str]:
        values = {name: edit.text() for name, edit in self.fields.items()}
        values["now_md"] = self.now_text.toPlainText()
        values["typography"] = _SMART if self.smart_typography.isChecked() else _PLAIN
        return values

    def save(self) -> None:
        changes = self.values()
        if self._loaded is not None:
            # Only what the writer changed: an untouched field is never re-validated or rewritten.
            changes = {k: v for k, v in changes.items() if v != getattr(self._loaded, k)}
        if not changes:
            self.accept()
            return
        self._set_enabled(False)
        self.error.hide()
        site = self._services.site
        self._tasks.run(Op(lambda: site.update(**changes), Changes.SITE), self._on_site_saved, self._on_operation_failed)

    def _on_site_loaded(self, profile: SiteProfile) -> None:
        self._loaded = profile
        for name, edit in self.fields.items():
            edit.setText(getattr(profile, name))
        self.now_text.setPlainText(profile.now_md)
        self.smart_typography.setChecked(profile.typography == _SMART)
        self._set_enabled(True)
        self.fields["title"].setFocus()

    def _on_site_saved(self, profile: SiteProfile) -> None:
        self._loaded = profile
        self.site_changed.emit(profile)
        self.accept()

    def _on_operation_failed(self, error: BaseException) -> None:
        self._set_enabled(True)
        show_failure(self.error, error, self._tasks.failed.emit)

    def _set_enabled(self, enabled: bool) -> None:
        for edit in self.fields.values():
            edit.setEnabled(enabled)
        self.now_text.setEnabled(enabled)
        self.smart_typography.setEnabled(enabled)
        self.save_button.setEnabled(enabled)
