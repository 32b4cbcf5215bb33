"""The window's ways out: File ▸ Export as Markdown and as PDF, Edit ▸ Copy as HTML."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.ui.dialogs.markdown_export import MarkdownExportDialog

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
SENTENCE = "Crampons on at dawn, and the ice groaned under the first steps."


@pytest.fixture
def one_entry(db_path: Path) -> Path:
    services = open_services(db_path)
    try:
        services.assets.add("glacier.png", PNG)
        services.entries.create(EntryFields(
            title="Crossing the glacier", slug="crossing-the-glacier", status="finished",
            body=f"{SENTENCE}\n\n![the glacier](assets/glacier.png)\n\n- **roped** up\n- [back](../other/)\n",
            date=dt.date(2025, 1, 19),
        ))  # fmt: skip
    finally:
        services.close()
    return db_path


def test_copy_as_html_puts_the_body_as_html_and_as_plain_text(open_window, one_entry, qtbot):
    window = open_window(one_entry)
    window.editor.setFocus()
    window.editor.insertPlainText("Just typed, not yet saved. ")
    with qtbot.waitSignal(window.entry_exports.html_copied, timeout=10000):
        window.commands.copy_html.trigger()
    mime = QApplication.clipboard().mimeData()
    assert mime.hasHtml() and mime.hasText()
    html, text = mime.html(), mime.text()
    assert f"<p>Just typed, not yet saved. {SENTENCE}</p>" in html
    assert '<img src="data:image/png;base64,' in html  # the image travels with the paste
    assert "<strong>roped</strong>" in html and "data-line" not in html
    assert text.startswith(f"Just typed, not yet saved. {SENTENCE}\n\n")
    assert "• roped up\n• back" in text and "**" not in text and "](" not in text


def test_export_as_pdf_prints_the_entry_s_page(open_window, one_entry, qtbot, tmp_path):
    window = open_window(one_entry)
    out = tmp_path / "glacier.pdf"
    window.entry_exports.ask_pdf_path = lambda suggested: out
    with qtbot.waitSignal(window.entry_exports.pdf_printed, timeout=60000):
        window.commands.export_pdf.trigger()
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text was not read")
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Crossing the glacier" in text and SENTENCE in text


def test_export_as_markdown_runs_with_progress_and_says_how_it_went(open_window, one_entry, qtbot, tmp_path):
    window = open_window(one_entry)
    window.commands.export_markdown.trigger()
    dialog = window.dialogs.last_dialog
    assert isinstance(dialog, MarkdownExportDialog)
    dialog.folder.setText(str(tmp_path / "md"))
    dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData("jekyll"))
    with qtbot.waitSignal(dialog.export_finished, timeout=30000):
        dialog.export_button.click()
    assert dialog.progress.value() == 100
    assert dialog.status.text().startswith("Exported 1 entry and 1 image as a Jekyll site to ")
    assert (tmp_path / "md/_posts/2025-01-19-crossing-the-glacier.md").is_file()
    assert (tmp_path / "md/assets/glacier.png").read_bytes() == PNG
    dialog.start_export()  # again, into the folder it wrote: taken, nothing changed
    qtbot.waitUntil(lambda: not dialog.is_running() and "nothing changed" in dialog.status.text(), timeout=30000)
    dialog.reject()


def test_the_markdown_dialog_says_why_a_folder_is_refused(open_window, one_entry, qtbot, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full/notes.txt").write_text("mine")
    window = open_window(one_entry)
    window.commands.export_markdown.trigger()
    dialog = window.dialogs.last_dialog
    dialog.folder.setText(str(tmp_path / "full"))
    dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_running() and dialog.error.isVisible(), timeout=30000)
    assert "holds no earlier Markdown export" in dialog.error.text()
    dialog.reject()
