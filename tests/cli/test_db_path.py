"""Where the database file is: `--db`, then FIELDNOTES_DB, then the platform's user data folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from fieldnotes_desktop import config


def test_default_is_in_the_platform_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.DB_ENV, raising=False)
    expected = platformdirs.user_data_path("fieldnotes-desktop") / "fieldnotes.db"
    assert config.resolve_db_path() == expected
    assert config.resolve_db_path(None) == config.default_db_path() == expected


def test_environment_variable_overrides_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(config.DB_ENV, str(tmp_path / "env.db"))
    assert config.resolve_db_path() == tmp_path / "env.db"


def test_explicit_path_overrides_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(config.DB_ENV, str(tmp_path / "env.db"))
    assert config.resolve_db_path(tmp_path / "cli.db") == tmp_path / "cli.db"
    assert config.resolve_db_path(str(tmp_path / "cli.db")) == tmp_path / "cli.db"


def test_home_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(config.DB_ENV, raising=False)
    assert config.resolve_db_path("~/notes.db") == tmp_path / "notes.db"
    monkeypatch.setenv(config.DB_ENV, "~/env.db")
    assert config.resolve_db_path() == tmp_path / "env.db"
