"""Runs the real `fieldnotes` command in a subprocess, with every user folder inside tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import fieldnotes_desktop

REPO_ROOT = Path(fieldnotes_desktop.__file__).resolve().parent.parent

from cli_helpers import Run


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "FIELDNOTES_"))}
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        PYTHONIOENCODING="utf-8",
    )
    return env


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


@pytest.fixture
def run(cli_env: dict[str, str], db: Path, tmp_path: Path) -> Run:
    """`run("list", "--json")` runs `python -m fieldnotes_desktop --db DB list --json`."""

    def _run(*args: str, use_db: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "fieldnotes_desktop"]
        if use_db:
            command += ["--db", str(db)]
        return subprocess.run(
            command + list(args),
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env or cli_env,
            cwd=tmp_path,
            timeout=120,
        )

    return _run
