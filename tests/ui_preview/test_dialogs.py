"""The history, export, site settings and about dialogs, over a real database file."""

from __future__ import annotations

import datetime as dt

import pytest
from preview_js import make_entry
from PySide6.QtWidgets import QMessageBox

from fieldnotes_desktop import __version__
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.ui.dialogs import AboutDialog, ExportDialog, RevisionsDialog, SiteSettingsDialog
from fieldnotes_desktop.ui.dialogs.diffing import delta_label, diff_html, word_changes


def finished_entries(services, count: int) -> None:
    for n in range(count):
        make_entry(
            services,
            f"## Day {n}\n\nWe walked {n} kilometres along the moraine.\n",
            title=f"Day {n} on the glacier",
            status="finished",
            category="Alpine",
            volume=1,
            date=dt.date(2024, 1, 1) + dt.timedelta(days=n),
        )


# -- export ---------------------------------------------------------------------------------


def test_export_dialog_writes_the_site_with_progress_to_100(services, tasks, settings, qtbot, tmp_path, monkeypatch):
    finished_entries(services, 12)
    out = tmp_path / "site"
    dialog = ExportDialog(services, tasks, settings, default_dir=out)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.objectName() == "exportDialog"
    progress = dialog.findChild(type(dialog.progress), "exportProgress")
    assert progress is dialog.progress
    seen: list[int] = []
    progress.valueChanged.connect(seen.append)
    opened: list[object] = []
    monkeypatch.setattr("fieldnotes_desktop.ui.dialogs.export.QDesktopServices.openUrl", opened.append)

    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)

    assert progress.value() == 100
    assert len([v for v in seen if 0 < v < 100]) >= 3  # it moved along the way, not in one jump
    assert (out / "index.html").is_file()
    assert dialog.report.entries == 12 and dialog.report.pages >= 12
    assert dialog.summary.isVisible() and "12" in dialog.summary.text()
    assert dialog.open_button.isVisible()
    dialog.open_button.click()
    assert opened and opened[0].toLocalFile() == str(out)


def test_export_dialog_lists_the_images_without_real_alt_text(services, tasks, settings, qtbot, tmp_path):
    services.site.update(base_url="https://notes.example.org/")  # no other warning
    services.assets.add("IMG_2231.JPG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 24)
    make_entry(services, "A view.\n\n![](IMG_2231.JPG)\n", title="Col du Midi", slug="col", status="finished")
    dialog = ExportDialog(services, tasks, settings, default_dir=tmp_path / "site")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    warnings = dialog.findChild(type(dialog.warnings), "exportWarnings")
    assert warnings.isVisible() and "<b>1</b> warning" in dialog.summary.text()
    assert warnings.toPlainText() == (
        "• “Col du Midi” (col): 1 image without real alt text (IMG_2231.JPG); "
        "describe what each shows for readers who cannot see it."
    )


def test_export_dialog_remembers_the_folder(services, tasks, settings, qtbot, tmp_path):
    finished_entries(services, 1)
    first = ExportDialog(services, tasks, settings, default_dir=tmp_path / "default")
    qtbot.addWidget(first)
    first.show()
    first.folder.setText(str(tmp_path / "chosen"))
    first.include_drafts.setChecked(True)
    first.start_export()
    qtbot.waitUntil(lambda: not first.is_running(), timeout=30000)
    second = ExportDialog(services, tasks, settings, default_dir=tmp_path / "default")
    qtbot.addWidget(second)
    second.show()
    assert second.folder.text() == str(tmp_path / "chosen")
    assert second.include_drafts.isChecked()


def test_export_can_be_cancelled(services, tasks, settings, qtbot, tmp_path):
    finished_entries(services, 60)
    out = tmp_path / "site"
    dialog = ExportDialog(services, tasks, settings, default_dir=out)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_export()
    assert dialog.cancel_button.isVisible() and not dialog.export_button.isVisible()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30000)
    assert dialog.report is None
    assert "stopped" in dialog.status.text()
    assert not dialog.error.isVisible()
    assert not (out / "index.html").exists()  # nothing half-written
    assert dialog.export_button.isVisible() and dialog.progress.value() == 0


def test_export_failure_is_one_sentence_in_the_dialog(services, tasks, settings, qtbot, tmp_path):
    finished_entries(services, 1)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    dialog = ExportDialog(services, tasks, settings, default_dir=blocker / "site")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30000)
    assert dialog.error.isVisible() and dialog.error.text()
    assert dialog.report is None


# -- history --------------------------------------------------------------------------------


def test_revisions_dialog_lists_compares_and_restores(services, tasks, qtbot, monkeypatch):
    entry = make_entry(services, "The first draft of the climb.", title="The climb")
    services.entries.snapshot(entry.id, "manual")
    services.entries.update(entry.id, EntryFields(body="The second draft of the climb, with more words in it."), snapshot="manual")
    current = "The third draft, shorter."
    services.entries.update(entry.id, EntryFields(body=current))

    dialog = RevisionsDialog(services, tasks, entry.id, "The climb", current)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.revision_list.topLevelItemCount() >= 2, timeout=10000)
    qtbot.waitUntil(lambda: "…" not in dialog.revision_list.topLevelItem(0).text(2), timeout=10000)
    oldest = dialog.revision_list.topLevelItem(dialog.revision_list.topLevelItemCount() - 1)
    assert oldest.data(0, 256).body == "The first draft of the climb."
    assert oldest.text(2) == "+6 / −0 words"  # the first revision starts from nothing

    dialog.revision_list.setCurrentItem(oldest)
    qtbot.waitUntil(lambda: "first" in dialog.diff_view.toPlainText(), timeout=10000)
    # One paragraph, its words marked: "The ~~first~~ third draft ~~of the climb.~~ , shorter."
    assert dialog.diff_view.toPlainText().startswith("The first")
    assert "third" in dialog.diff_view.toPlainText() and "shorter" in dialog.diff_view.toPlainText()
    assert "line-through" in dialog.diff_view.toHtml()
    assert "words" in dialog.compare_label.text()

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    count_before = len(services.entries.revisions(entry.id))
    with qtbot.waitSignal(dialog.revision_restored, timeout=10000) as restored:
        dialog.restore_button.click()
    assert restored.args[0].body == "The first draft of the climb."
    assert services.entries.get(entry.id).body == "The first draft of the climb."
    history = services.entries.revisions(entry.id)
    assert len(history) > count_before and history[0].reason == "restore"
    assert any(r.body == current for r in history)  # the replaced text is kept


def test_revisions_dialog_without_history(services, tasks, qtbot):
    entry = make_entry(services, "Fresh.")
    dialog = RevisionsDialog(services, tasks, entry.id, entry.title, entry.body)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "No earlier versions" in dialog.compare_label.text(), timeout=10000)
    assert not dialog.restore_button.isEnabled()


def test_word_changes_and_labels():
    assert word_changes("a b c", "a b d e") == (2, 1)
    assert delta_label(120, 8) == "+120 / −8 words"
    assert delta_label(0, 0) == "no change"
    assert "The texts are the same" in diff_html("x", "x")
    assert "&lt;b&gt;" in diff_html("x", "<b>")


def test_the_diff_marks_changed_words_in_their_paragraph_not_lines_of_a_patch():
    old = "A first paragraph.\n\nThe storm came early.\n\n" + "Filler.\n\n" * 6 + "The end."
    new = "A first paragraph.\n\nThe storm came late!\n\n" + "Filler.\n\n" * 6 + "The end."
    shown = diff_html(old, new)
    assert "@@" not in shown and "The storm came " in shown  # the paragraph, once, not -/+ lines
    assert 'line-through;">early.</span>' in shown and '">late!</span>' in shown
    assert "A first paragraph." in shown  # one paragraph of context
    assert "The end." not in shown  # far from the change: left out
    assert diff_html(old, new, dark=True) != shown  # colours for dark paper


# -- site settings --------------------------------------------------------------------------


def test_site_settings_validate_inline_and_save(services, tasks, qtbot):
    dialog = SiteSettingsDialog(services, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10000)
    assert dialog.fields["title"].text() == "Field Notes"

    dialog.fields["author"].setText("Ada Lovelace")
    dialog.fields["role"].setText("Engineer")
    dialog.fields["location"].setText("London")
    dialog.now_text.setPlainText("Reading about **glaciers**.")
    dialog.fields["base_url"].setText("not a web address")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert "not a web address" in dialog.error.text()
    assert dialog.error.text().count(".") <= 2  # one sentence, no traceback
    assert services.site.get().author == ""  # nothing saved

    dialog.fields["base_url"].setText("https://example.com/notes")
    with qtbot.waitSignal(dialog.site_changed, timeout=10000) as changed:
        dialog.save_button.click()
    site = services.site.get()
    assert changed.args[0] == site
    assert (site.author, site.role, site.location) == ("Ada Lovelace", "Engineer", "London")
    assert site.now_md == "Reading about **glaciers**."
    assert site.base_url == "https://example.com/notes/"


def test_site_settings_set_the_language_and_turn_smart_typography_off(services, tasks, qtbot):
    dialog = SiteSettingsDialog(services, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10000)
    box = dialog.findChild(type(dialog.smart_typography), "site_typography")
    assert box is dialog.smart_typography and box.isChecked()  # on for a new site
    assert "curly quotes, dashes and ellipses" in box.text()
    assert dialog.fields["language"].text() == "en"
    dialog.fields["language"].setText("de")
    box.setChecked(False)
    with qtbot.waitSignal(dialog.site_changed, timeout=10000):
        dialog.save_button.click()
    site = services.site.get()
    assert (site.language, site.typography) == ("de", "plain")

    again = SiteSettingsDialog(services, tasks)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.save_button.isEnabled(), timeout=10000)
    assert not again.smart_typography.isChecked() and again.fields["language"].text() == "de"


def test_site_settings_refuse_an_empty_title(services, tasks, qtbot):
    dialog = SiteSettingsDialog(services, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10000)
    dialog.fields["title"].setText("  ")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert "title" in dialog.error.text()


# -- about ----------------------------------------------------------------------------------


@pytest.mark.parametrize("needle", [__version__, "MIT", "Field Notes Desktop"])
def test_about_dialog_names_the_app(qtbot, needle):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.findChild(object, "aboutVersion"))))
    assert needle in texts
