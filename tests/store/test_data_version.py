"""`Store.data_version()`: a cheap probe that moves with other connections' commits, never with the asking thread's own."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import fieldnotes_desktop
from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services, open_services

REPO_ROOT = Path(fieldnotes_desktop.__file__).resolve().parent.parent


@pytest.fixture
def app(db_path: Path) -> Iterator[Services]:
    """The app's services; the test's own thread plays the database lane."""
    opened = open_services(db_path)
    yield opened
    opened.close()


@pytest.fixture
def elsewhere(db_path: Path, app: Services) -> Iterator[Services]:
    """Another window on the same file."""
    opened = open_services(db_path)
    yield opened
    opened.close()


def titles(db_path: Path) -> list[str]:
    db = sqlite3.connect(db_path)
    try:
        return [row[0] for row in db.execute("SELECT title FROM entries ORDER BY id")]
    finally:
        db.close()


def test_the_lanes_own_commits_leave_it_and_another_connection_moves_it(app: Services, db_path: Path) -> None:
    first = app.store.data_version()
    entry = app.entries.create(EntryFields(title="Mine", body="text"))
    app.entries.update(entry.id, EntryFields(body="more text"))
    app.site.update(author="Me")
    assert app.store.data_version() == first  # every one of those commits was the lane's own

    other = sqlite3.connect(db_path)
    with other:
        other.execute("UPDATE entries SET title = 'Theirs'")
    other.close()
    moved = app.store.data_version()
    assert moved != first
    assert app.store.data_version() == moved  # nothing new since: it stays


def test_its_own_commits_are_on_disk_for_everyone_else(app: Services, db_path: Path) -> None:
    app.store.data_version()
    app.entries.create(EntryFields(title="Committed"))
    assert titles(db_path) == ["Committed"]


def test_a_command_line_run_moves_it(app: Services, db_path: Path, tmp_path: Path) -> None:
    app.entries.create(EntryFields(title="Open in the app"))
    before = app.store.data_version()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "fieldnotes_desktop", "--db", str(db_path), "site", "--title", "Renamed"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert app.store.data_version() != before
    assert app.site.get().title == "Renamed"


def test_another_window_moves_it_and_the_lane_then_reads_the_new_version(app: Services, elsewhere: Services) -> None:
    entry = app.entries.create(EntryFields(title="Shared"))
    before = app.store.data_version()
    elsewhere.entries.update(entry.id, EntryFields(body="written elsewhere"))
    assert app.store.data_version() != before
    assert app.entries.changes_since({entry.id: entry.version}).changed == (entry.id,)
    stored = app.entries.get(entry.id)
    assert (stored.body, stored.version) == ("written elsewhere", 2)


def test_a_commit_from_another_thread_of_the_app_moves_it(app: Services) -> None:
    # An import or an export on the long-job lane is not the database lane's own write.
    before = app.store.data_version()
    worker = threading.Thread(target=lambda: app.entries.create(EntryFields(title="Imported")))
    worker.start()
    worker.join()
    assert app.store.data_version() != before


def test_a_transaction_inside_another_on_the_lane_gets_a_connection_of_its_own(app: Services, db_path: Path) -> None:
    app.store.data_version()
    with app.store.transaction() as outer:
        outer.connection().exec_driver_sql("UPDATE site SET author = 'Outer'")
        with app.store.transaction() as inner:  # reads the file as committed, not the outer's change
            assert inner.connection().exec_driver_sql("SELECT author FROM site").scalar() == ""
    assert app.site.get().author == "Outer"


def test_a_failed_transaction_on_the_lane_leaves_its_connection_usable(app: Services) -> None:
    first = app.store.data_version()
    with pytest.raises(DatabaseError):
        with app.store.transaction() as session:
            session.connection().exec_driver_sql("UPDATE site SET author = 'Half'")
            session.connection().exec_driver_sql("INSERT INTO no_such_table VALUES (1)")
    assert app.site.get().author == ""  # rolled back
    app.site.update(author="Whole")
    assert app.store.data_version() == first
    assert app.site.get().author == "Whole"


def test_it_is_not_asked_inside_a_transaction_of_the_same_thread(app: Services) -> None:
    app.store.data_version()
    with app.store.transaction():
        with pytest.raises(RuntimeError):
            app.store.data_version()


def test_a_read_only_store_can_ask_it_too(app: Services, db_path: Path) -> None:
    app.entries.create(EntryFields(title="Before"))
    reader = open_services(db_path, read_only=True)
    try:
        before = reader.store.data_version()
        app.entries.create(EntryFields(title="After"))
        assert reader.store.data_version() != before
    finally:
        reader.close()
