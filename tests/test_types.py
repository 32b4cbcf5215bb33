"""The package passes `mypy --strict` (STYLE.md item 8), with the settings in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import fieldnotes_desktop

REPO_ROOT = Path(fieldnotes_desktop.__file__).resolve().parent.parent


def test_mypy_strict_finds_no_errors(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="mypy is not installed; `pip install -e .[test]` brings it")
    # The cache goes to tmp_path, so the test leaves no .mypy_cache in the working tree.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy_cache"), "fieldnotes_desktop"],
        cwd=REPO_ROOT,  # where pyproject.toml's [tool.mypy] (strict) is read from
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"mypy found errors:\n{result.stdout}{result.stderr}"
