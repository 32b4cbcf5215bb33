"""Fixtures for service tests: services over a real database file, driven by a clock we move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.services import Services, open_services

from service_clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(dt.datetime(2025, 1, 19, 9, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "fieldnotes.db"


@pytest.fixture
def services(db_path: Path, clock: ManualClock) -> Iterator[Services]:
    opened = open_services(db_path, clock=clock)
    yield opened
    opened.close()
