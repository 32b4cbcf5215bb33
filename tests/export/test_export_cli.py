"""`fieldnotes export` as a user runs it: a real process, real files, exit codes and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from export_helpers import open_sample_services

ROOT = Path(__file__).resolve().parents[2]


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "fieldnotes_desktop", "--db", str(db), "export", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "fieldnotes.db"
    open_sample_services(path, monkeypatch).close()
    return path


def test_export_writes_the_site_and_prints_the_summary_quietly_when_piped(db: Path, tmp_path: Path) -> None:
    result = _run(db, "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Exported 30 pages (7 entries), 3 assets and 0 warnings to ")
    assert result.stderr == ""  # no progress bar when not on a terminal
    assert (tmp_path / "site" / "index.html").is_file()


def test_self_contained_single_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "post.html"
    result = _run(db, "--entry", "reading-the-wal-by-hand", "--self-contained", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.is_file() and "<style>" in out.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--self-contained", "--out", "x.html"], "name exactly one with --entry SLUG"),
        (["--entry", "nope", "--out", "site"], "There is no entry with the slug “nope”"),
        (["--entry", "a-garden-at-fourteen-hundred-metres", "--out", "site"], "is a draft; add --include-drafts"),
        (["--theme", "no-such-theme", "--out", "site"], "The theme folder no-such-theme does not exist"),
    ],
)
def test_user_errors_exit_1_with_one_line_and_no_traceback(db: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fieldnotes_desktop", "--db", str(db), "export", *args],
        capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120, check=False,
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_missing_out_is_bad_usage(db: Path) -> None:
    assert _run(db).returncode == 2


def test_export_layers_import_no_qt() -> None:
    package = ROOT / "fieldnotes_desktop"
    adapters = [package / "services" / "publish.py", package / "cli" / "export.py"]
    for path in [*sorted((package / "export").rglob("*.py")), *adapters]:
        assert "PySide6" not in path.read_text(), path
