"""Scheduled entries from the command line: `import --status scheduled`, `list --status scheduled`, and the
export that publishes those whose moment has passed."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import Run


def _write(folder: Path, name: str, front: str, body: str = "A few words.") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")


def _slugs(run: Run, status: str) -> list[str]:
    result = run("list", "--status", status, "--json")
    assert result.returncode == 0, result.stderr
    return sorted(row["slug"] for row in json.loads(result.stdout))


def test_import_status_scheduled_reaches_plain_files_and_list_finds_them(run: Run, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    _write(notes, "later.md", "title: Later\ndate: 2999-01-01\n")
    _write(notes, "kept.md", "title: Kept\ndate: 2024-05-01\nstatus: finished\n")
    result = run("import", "--status", "scheduled", str(notes))
    assert result.returncode == 0, result.stderr
    assert "later  (scheduled," in result.stdout
    assert "1 finished, 1 scheduled, 0 drafts." in result.stdout
    assert _slugs(run, "scheduled") == ["later"]
    assert _slugs(run, "finished") == ["kept"]
    table = run("list").stdout
    assert any(line.split()[1] == "scheduled" for line in table.splitlines() if "later" in line)


def test_front_matter_says_scheduled_and_the_export_publishes_what_is_due(run: Run, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    _write(notes, "due.md", "title: Due\ndate: 2025-01-19T07:30:00+01:00\nstatus: scheduled\n")
    _write(notes, "later.md", "title: Later\ndate: 2999-01-01\nstatus: scheduled\n")
    assert run("import", str(notes)).returncode == 0
    assert _slugs(run, "scheduled") == ["due", "later"]
    exported = run("export", "--out", str(tmp_path / "site"))
    assert exported.returncode == 0, exported.stderr
    assert "(1 entry)" in exported.stdout
    assert (tmp_path / "site" / "due" / "index.html").is_file()
    assert not (tmp_path / "site" / "later").exists()
    assert _slugs(run, "finished") == ["due"]
    assert _slugs(run, "scheduled") == ["later"]


def test_an_unknown_status_names_the_three(run: Run) -> None:
    result = run("list", "--status", "someday")
    assert result.returncode == 2
    assert "draft" in result.stderr and "scheduled" in result.stderr and "finished" in result.stderr
