"""Fixtures for export tests: the sample entries imported into a real database with a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from export_helpers import open_sample_services

from fieldnotes_desktop.services import Services


@pytest.fixture
def samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    services = open_sample_services(tmp_path / "fieldnotes.db", monkeypatch)
    yield services
    services.close()
