"""The one-window lock follows the database file itself: hard links and new files included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldnotes_desktop.ui.instance import AlreadyOpenError, InstanceLock, wake_running_instance


def test_a_hard_link_to_an_open_database_is_refused(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "notes.db"
    db.write_bytes(b"")
    other_folder = tmp_path / "elsewhere"
    other_folder.mkdir()
    link = other_folder / "same-notes.db"
    os.link(db, link)
    first = InstanceLock(db)
    first.acquire()
    try:
        with pytest.raises(AlreadyOpenError):
            InstanceLock(link).acquire()
    finally:
        first.release()
    second = InstanceLock(link)
    second.acquire()  # once the first window is gone, the link opens
    second.release()


def test_a_second_start_by_a_hard_link_wakes_the_first_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "notes.db"
    db.write_bytes(b"")
    link = tmp_path / "link.db"
    os.link(db, link)
    first = InstanceLock(db)
    first.acquire()
    try:
        with qtbot.waitSignal(first.raise_requested, timeout=3000):
            assert wake_running_instance(link)
    finally:
        first.release()
    assert not wake_running_instance(link)


def test_a_database_the_first_window_creates_is_locked_for_every_path_to_it(
    qtbot, tmp_path: Path  # type: ignore[no-untyped-def]
):
    db = tmp_path / "new" / "notes.db"
    first = InstanceLock(db)
    first.acquire()
    try:
        assert db.is_file()  # made (empty) so that it has an identity to lock
        link = tmp_path / "made-later.db"
        os.link(db, link)
        for path in (db, link):
            with pytest.raises(AlreadyOpenError):
                InstanceLock(path).acquire()
    finally:
        first.release()
    # The window never got as far as a database: the empty file it made is gone again.
    assert not db.exists()
