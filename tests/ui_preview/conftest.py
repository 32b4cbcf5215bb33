"""Preview and dialog tests: QtWebEngine prepared before pytest-qt builds the QApplication."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.ui.preview import prepare_webengine

# Schemes and shared GL contexts must be set before any QApplication exists; conftest
# modules are imported at collection, before the first test asks for `qapp`.
prepare_webengine()

from PySide6.QtCore import QCoreApplication, QEvent, QSettings  # noqa: E402

from fieldnotes_desktop.services import Services, open_services  # noqa: E402
from fieldnotes_desktop.ui.operations import OperationRunner  # noqa: E402
from fieldnotes_desktop.ui.preview import PreviewView  # noqa: E402


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    opened = open_services(tmp_path / "fieldnotes.db")
    yield opened
    opened.close()


@pytest.fixture
def runner(qapp: object) -> Iterator[OperationRunner]:
    worker = OperationRunner()
    yield worker
    worker.shutdown()


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, qapp: object) -> None:
    """Remembered dialog choices go to a folder of the test, never the user's own settings."""
    QCoreApplication.setOrganizationName("fieldnotes-tests")
    QCoreApplication.setApplicationName("fieldnotes-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def preview(services: Services, qtbot) -> Iterator[PreviewView]:  # type: ignore[no-untyped-def]
    view = PreviewView(services)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitUntil(lambda: view._ready, timeout=15000)
    yield view
    view.shutdown()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


