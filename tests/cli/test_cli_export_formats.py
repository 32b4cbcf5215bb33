"""`fieldnotes export --format markdown|pdf`: the entries as Markdown for Hugo or Jekyll, one entry as a PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services

from cli_helpers import Run, one_error_line

SENTENCE = "The warden rang a cowbell at six and nobody argued with the blackboard."


@pytest.fixture
def desk(db: Path) -> Path:
    services = open_services(db)
    try:
        services.entries.create(EntryFields(
            title="Three nights below the ridge", slug="below-the-ridge", status="finished",
            body=f"{SENTENCE}\n\n## Later\n\nTea, then down.\n", date=dt.date(2025, 1, 26), tags=("huts",),
        ))  # fmt: skip
        services.entries.create(EntryFields(title="Unwritten", slug="unwritten", status="draft", body="Soon.\n"))
    finally:
        services.close()
    return db


def test_markdown_for_jekyll(run: Run, desk: Path, tmp_path: Path) -> None:
    result = run("export", "--format", "markdown", "--layout", "jekyll", "--out", "md")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Exported 2 entries and 0 images as a Jekyll site to md in ")
    post = (tmp_path / "md/_posts/2025-01-26-below-the-ridge.md").read_text()
    assert yaml.safe_load(post.split("---\n")[1])["tags"] == ["huts"]
    assert (tmp_path / "md/_drafts/unwritten.md").is_file()


def test_markdown_is_hugo_unless_told(run: Run, desk: Path, tmp_path: Path) -> None:
    assert run("export", "--format", "markdown", "--out", "md").returncode == 0
    assert (tmp_path / "md/content/posts/below-the-ridge/index.md").is_file()


def test_markdown_refuses_a_folder_of_something_else(run: Run, desk: Path, tmp_path: Path) -> None:
    (tmp_path / "md").mkdir()
    (tmp_path / "md/README").write_text("mine\n")
    line = one_error_line(run("export", "--format", "markdown", "--out", "md"))
    assert line == "fieldnotes: md is not empty and holds no earlier Markdown export of Field Notes; choose an empty folder."


@pytest.mark.parametrize(("args", "says"), [
    (("--format", "markdown", "--theme", "t"), "--theme shapes HTML pages"),
    (("--layout", "jekyll"), "--layout chooses how Markdown is laid out; add --format markdown."),
    (("--format", "pdf"), "--format pdf prints one entry; name exactly one with --entry SLUG."),
])  # fmt: skip
def test_options_that_do_not_go_together_are_refused(run: Run, desk: Path, args: tuple[str, ...], says: str) -> None:
    assert says in one_error_line(run("export", "--out", "x", *args))


def test_pdf_of_one_entry(run: Run, desk: Path, tmp_path: Path) -> None:
    result = run("export", "--format", "pdf", "--entry", "below-the-ridge", "--out", "ridge.pdf")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Printed “below-the-ridge” to ridge.pdf (")
    pdf = tmp_path / "ridge.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text was not read")
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Three nights below the ridge" in text and SENTENCE in text


def test_pdf_of_a_draft_needs_include_drafts(run: Run, desk: Path, tmp_path: Path) -> None:
    line = one_error_line(run("export", "--format", "pdf", "--entry", "unwritten", "--out", "u.pdf"))
    assert line == "fieldnotes: “unwritten” is a draft; add --include-drafts to export it anyway."
    assert not (tmp_path / "u.pdf").exists()
