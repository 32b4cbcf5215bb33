"""Test-wide settings (Qt offscreen, QtWebEngine unsandboxed as root) and the PostgreSQL fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from memory_keyring import MemoryKeyring
    from pg_cluster import PgCluster

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The system keyring replaced by one in memory, for the test's passwords alone."""
    import keyring

    from memory_keyring import MemoryKeyring

    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


# -- a throw-away PostgreSQL server, started the first time a test asks for it -------------------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One cluster for the whole session; its password in PGPASSWORD, so libpq and writer subprocesses find it."""
    from pg_cluster import PgCluster, PostgresMissing

    try:
        cluster = PgCluster()
    except PostgresMissing as error:
        missing = str(error)
    else:
        missing = ""
    if missing:
        reason = f"{missing}: run `./dev.sh test`, which installs Debian's postgresql, to run the shared-desk tests"
        if os.environ.get("FIELDNOTES_SKIP_POSTGRES") == "1":
            pytest.skip(reason)
        pytest.fail(f"{reason} (or set FIELDNOTES_SKIP_POSTGRES=1 to skip them)", pytrace=False)
    before = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = cluster.password
    try:
        yield cluster
    finally:
        if before is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = before
        cluster.close()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh empty database's address, dropped after the test."""
    url = pg_cluster.new_database()
    yield url
    # A test that stopped the server and failed before starting it again must not take the rest down.
    pg_cluster.start()
    pg_cluster.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def desk_backend(request: pytest.FixtureRequest) -> str:
    """The kind of desk a test runs on; asking for it (or for `desk_location`) runs the test on both."""
    return str(request.param)


@pytest.fixture
def desk_location(desk_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """A desk's location on each backend: a SQLite file in tmp_path, or a fresh PostgreSQL database's URL."""
    if desk_backend == "sqlite":
        return tmp_path / "fieldnotes.db"
    url: str = request.getfixturevalue("pg_url")
    return url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `file_desk` checks what only a desk file does: its PostgreSQL run is left out."""
    kept, left_out = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_server = callspec is not None and callspec.params.get("desk_backend") == "postgresql"
        (left_out if on_server and item.get_closest_marker("file_desk") else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
