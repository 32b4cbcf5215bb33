"""`fieldnotes import SITE`: the real command on real site folders, with `--dry-run` and `--status`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cli_helpers import Run
from site_folders import hugo_site, jekyll_site, write


def _listed(run: Run) -> dict[str, str]:
    listed = run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    return {row["slug"]: row["status"] for row in json.loads(listed.stdout)}


def test_a_dry_run_prints_the_report_and_stores_nothing(run: Run, tmp_path: Path, db: Path) -> None:
    result = run("import", "--dry-run", str(jekyll_site(tmp_path / "blog")))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "would import  first-light  (finished," in out
    assert "would import  second-camp  (draft," in out
    assert "note: _posts/2024-03-02-first-light.md:29: {% include %}:" in out
    assert "note: _posts/2024-03-05-second-camp.md:7: <iframe>:" in out
    assert "Dry run: 3 entries would be imported, 1 images; nothing was stored." in out
    assert "1 finished, 2 drafts; 3 notes above." in out
    assert "about.md" in result.stderr  # a page, not a post: said, not imported
    if db.exists():  # the dry run may have made the empty database, never an entry in it
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT count(*) FROM entries").fetchone() == (0,)


def test_a_real_import_prints_the_notes_too(run: Run, tmp_path: Path) -> None:
    result = run("import", str(hugo_site(tmp_path / "site")))
    assert result.returncode == 0, result.stderr
    assert "note: content/posts/summit-day/index.md:" in result.stdout and "{{< gist >}}" in result.stdout
    assert "3 entries imported, 2 images." in result.stdout
    assert _listed(run) == {"summit-day": "finished", "the-approach": "draft", "rest-day": "finished"}


def test_the_status_option_reaches_plain_files_and_not_a_sites_posts(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "notes" / "plain.md", "# Plain\n\nNo front matter at all.\n")
    jekyll_site(tmp_path / "blog")
    result = run("import", "--status", "finished", str(tmp_path / "notes"), str(tmp_path / "blog"))
    assert result.returncode == 0, result.stderr
    assert _listed(run) == {
        "plain": "finished", "first-light": "finished", "second-camp": "draft", "half-written": "draft"}


def test_without_the_option_a_plain_file_is_a_draft(run: Run, tmp_path: Path) -> None:
    result = run("import", str(write(tmp_path / "plain.md", "# Plain\n")))
    assert result.returncode == 0, result.stderr
    assert _listed(run) == {"plain": "draft"}
