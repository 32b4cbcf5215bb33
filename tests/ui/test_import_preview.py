"""The import dialog: what a site would bring is shown before anything is stored; Cancel stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.records import EntryFilter
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.ui.dialogs.import_preview import ImportDialog
from fieldnotes_desktop.ui.tasks import Tasks

from site_folders import hugo_site, jekyll_site


@pytest.fixture
def services(db_path: Path) -> Iterator[Services]:
    opened = open_services(db_path)
    yield opened
    opened.close()


@pytest.fixture
def tasks() -> Iterator[Tasks]:
    lanes = Tasks()
    yield lanes
    lanes.shutdown()


def _previewed(qtbot, services: Services, tasks: Tasks, paths: list[Path]) -> ImportDialog:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(services.imports, tasks.jobs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.preview(paths)
    qtbot.waitUntil(lambda: dialog.preview_report is not None, timeout=20000)
    return dialog


def test_the_preview_shows_counts_statuses_and_notes_before_anything_is_stored(qtbot, services, tasks, tmp_path):
    dialog = _previewed(qtbot, services, tasks, [jekyll_site(tmp_path / "blog")])
    summary = dialog.findChild(type(dialog.summary), "importSummary").text()
    assert summary.startswith("3 entries (1 finished, 2 drafts), 1 image;")
    notes = dialog.findChild(type(dialog.notes), "importNotes")
    rows = [[notes.topLevelItem(i).text(c) for c in range(4)] for i in range(notes.topLevelItemCount())]
    assert ["_posts/2024-03-02-first-light.md", "29", "{% include %}"] in [row[:3] for row in rows]
    assert any(row[1:3] == ["7", "<iframe>"] for row in rows)
    assert any("about.md" in row[3] for row in rows)  # the page left out is said too
    assert dialog.findChild(type(dialog.import_button), "importConfirm").isEnabled()
    assert services.entries.count(EntryFilter()) == 0  # shown, not stored


def test_cancel_after_the_preview_stores_nothing(qtbot, services, tasks, tmp_path):
    dialog = _previewed(qtbot, services, tasks, [hugo_site(tmp_path / "site")])
    with qtbot.assertNotEmitted(dialog.imported, wait=300):
        dialog.findChild(type(dialog.cancel_button), "importCancel").click()
    assert not dialog.isVisible()
    assert services.entries.count(EntryFilter()) == 0


def test_import_stores_what_the_preview_showed(qtbot, services, tasks, tmp_path):
    dialog = _previewed(qtbot, services, tasks, [hugo_site(tmp_path / "site")])
    shown = [(e.slug, e.status) for e in dialog.preview_report.created]
    with qtbot.waitSignal(dialog.imported, timeout=20000) as signal:
        dialog.import_button.click()
    assert [(e.slug, e.status) for e in signal.args[0].created] == shown
    stored = {e.slug: e.status for e in services.entries.list_summaries(EntryFilter())}
    assert stored == dict(shown) == {"summit-day": "finished", "the-approach": "draft", "rest-day": "finished"}


def test_the_status_choice_changes_what_plain_files_would_become(qtbot, services, tasks, tmp_path):
    plain = tmp_path / "plain.md"
    plain.write_text("# Plain\n\nNo status given.\n", encoding="utf-8")
    dialog = _previewed(qtbot, services, tasks, [plain])
    assert [e.status for e in dialog.preview_report.created] == ["draft"]
    dialog.status_choice.setCurrentIndex(dialog.status_choice.findData("finished"))
    qtbot.waitUntil(lambda: dialog.preview_report is not None
                    and [e.status for e in dialog.preview_report.created] == ["finished"], timeout=20000)


def test_file_import_opens_the_dialog_from_the_window(open_window, db_path, qtbot, tmp_path):
    window = open_window(db_path)
    window.commands.import_files.trigger()
    dialog = window.dialogs.last_dialog
    assert isinstance(dialog, ImportDialog) and dialog.objectName() == "importDialog"
    assert window.commands.import_files.text().replace("&", "") == "Import…"
    dialog.preview([jekyll_site(tmp_path / "blog")])
    qtbot.waitUntil(lambda: dialog.preview_report is not None, timeout=20000)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: window.entry_list.model.rowCount() >= 3, timeout=20000)
