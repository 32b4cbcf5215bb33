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

from fieldnotes_desktop.config import theme_override_dir  # noqa: E402
from fieldnotes_desktop.services import Services, open_services  # noqa: E402
from fieldnotes_desktop.ui.preview import PreviewView  # noqa: E402
from fieldnotes_desktop.ui.preview.images import AssetIndex  # noqa: E402
from fieldnotes_desktop.ui.preview.sources import page_parts  # noqa: E402
from fieldnotes_desktop.ui.tasks import Op, Tasks  # noqa: E402


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    opened = open_services(tmp_path / "fieldnotes.db")
    yield opened
    opened.close()


@pytest.fixture
def tasks(qapp: object) -> Iterator[Tasks]:
    lanes = Tasks()
    yield lanes
    lanes.shutdown()


def make_preview(services: Services, tasks: Tasks) -> PreviewView:
    """The preview as the composition root builds it, over `services`."""
    images = AssetIndex(services.assets)
    tasks.run(Op(images.reload))
    parts, theme_error = page_parts(theme_override_dir(services.db_path))
    return PreviewView(tasks, parts, services.exports.page_context, images, theme_error,
                       kept_sections=services.exports.section_cache)


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, qapp: object) -> None:
    """Remembered dialog choices go to a folder of the test, never the user's own settings."""
    QCoreApplication.setOrganizationName("fieldnotes-tests")
    QCoreApplication.setApplicationName("fieldnotes-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """The window's one settings file, as the composition root opens it."""
    return QSettings(str(tmp_path / "desktop.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def preview(services: Services, tasks: Tasks, qtbot) -> Iterator[PreviewView]:  # type: ignore[no-untyped-def]
    view = make_preview(services, tasks)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitUntil(lambda: view._ready, timeout=15000)
    yield view
    view.shutdown()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


