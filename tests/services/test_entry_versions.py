"""Entry versions: every change raises one, and a save based on an older one never overwrites another writer."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import EntryConflict, NotFoundError
from fieldnotes_desktop.records import Entry, EntryChanges, EntryFields
from fieldnotes_desktop.services import Services, open_services

from service_clock import ManualClock


@pytest.fixture
def elsewhere(db_path: Path, services: Services, clock: ManualClock) -> Iterator[Services]:
    """A second writer on the same file: another window, or the command line."""
    other = open_services(db_path, clock=clock)
    yield other
    other.close()


def stored_row(db_path: Path, entry_id: int) -> tuple[str, str, int]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT title, body, version FROM entries WHERE id = ?", (entry_id,)).fetchone()
    finally:
        db.close()


def history(services: Services, entry_id: int) -> list[tuple[str, str]]:
    return [(r.reason, r.body) for r in services.entries.revisions(entry_id)]


# -- every change raises the version ---------------------------------------------------------


def test_a_new_entry_is_at_version_1_and_each_change_raises_it_by_one(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="one"))
    assert entry.version == 1
    changed = services.entries.update(entry.id, EntryFields(body="two"))
    assert changed.version == 2
    assert services.entries.update(entry.id, EntryFields(tags=("alps",))).version == 3
    assert services.entries.trash(entry.id).version == 4
    assert services.entries.restore(entry.id).version == 5
    (revision, *_) = services.entries.revisions(entry.id)
    assert services.entries.restore_revision(revision.id).version == 6
    assert services.entries.get(entry.id).version == stored_row(services.db_path, entry.id)[2] == 6


def test_what_changes_no_row_leaves_the_version(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="one"))
    assert services.entries.update(entry.id, EntryFields()).version == 1
    services.entries.snapshot(entry.id, "manual")
    copy = services.entries.duplicate(entry.id)
    assert (services.entries.get(entry.id).version, copy.version) == (1, 1)
    assert [s.version for s in services.entries.list_summaries()] == [1, 1]


# -- a stale save is refused by the database -----------------------------------------------


def test_a_save_based_on_the_stored_version_is_written(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="one"))
    saved = services.entries.update(entry.id, EntryFields(body="two"), base_version=entry.version)
    assert (saved.body, saved.version) == ("two", 2)
    again = services.entries.update(entry.id, EntryFields(body="three"), base_version=saved.version)
    assert (again.body, again.version) == ("three", 3)


def test_a_save_based_on_an_older_version_is_refused_with_the_stored_text_and_writes_nothing(
    services: Services, elsewhere: Services, clock: ManualClock
) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="my first draft"))
    clock.advance(minutes=30)  # a save now would keep the replaced text as a revision
    theirs = elsewhere.entries.update(entry.id, EntryFields(body="their text"))
    before = (stored_row(services.db_path, entry.id), history(services, entry.id))

    with pytest.raises(EntryConflict) as caught:
        services.entries.update(
            entry.id, EntryFields(body="my text", title="Mine"), snapshot="manual", base_version=entry.version
        )

    conflict = caught.value
    assert conflict.entry_id == entry.id
    assert type(conflict.stored) is Entry and conflict.stored == theirs
    assert (conflict.stored.body, conflict.stored.version) == ("their text", 2)
    message = str(conflict)
    assert message.startswith("“Ridge” was changed elsewhere") and "your text is kept" in message
    assert "\n" not in message and message.endswith(".")
    # Nothing of the refused save: not the text, not a revision, not a version.
    assert (stored_row(services.db_path, entry.id), history(services, entry.id)) == before


def test_a_change_of_metadata_alone_is_refused_too(services: Services, elsewhere: Services) -> None:
    entry = services.entries.create(EntryFields(title="Ridge"))
    elsewhere.entries.trash(entry.id)
    with pytest.raises(EntryConflict) as caught:
        services.entries.update(entry.id, EntryFields(volume=8), base_version=entry.version)
    assert caught.value.stored.trashed and caught.value.stored.volume is None


def test_a_stale_snapshot_is_refused_although_it_changes_no_field(services: Services, elsewhere: Services) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="mine"))
    elsewhere.entries.update(entry.id, EntryFields(body="theirs"))
    before = history(services, entry.id)
    with pytest.raises(EntryConflict):
        services.entries.update(entry.id, EntryFields(), snapshot="manual", base_version=entry.version)
    assert history(services, entry.id) == before


def test_a_save_without_a_base_version_writes_over_as_before(services: Services, elsewhere: Services) -> None:
    # The command line and import name no version: the last writer wins, as it always did.
    entry = services.entries.create(EntryFields(title="Ridge", body="one"))
    elsewhere.entries.update(entry.id, EntryFields(body="theirs"))
    assert services.entries.update(entry.id, EntryFields(body="mine")).version == 3


def test_a_save_of_an_entry_deleted_elsewhere_says_it_is_gone(services: Services, elsewhere: Services) -> None:
    entry = services.entries.create(EntryFields(title="Ridge"))
    elsewhere.entries.trash(entry.id)
    elsewhere.entries.empty_trash()
    with pytest.raises(NotFoundError):
        services.entries.update(entry.id, EntryFields(body="mine"), base_version=entry.version)
    with pytest.raises(NotFoundError):
        services.entries.force_update(entry.id, EntryFields(body="mine"))


def test_two_writers_from_one_version_cannot_both_win(db_path: Path, services: Services, elsewhere: Services) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="base"))
    elsewhere.entries.update(entry.id, EntryFields(body="first"), base_version=entry.version)
    with pytest.raises(EntryConflict):
        services.entries.update(entry.id, EntryFields(body="second"), base_version=entry.version)
    assert stored_row(db_path, entry.id) == ("Ridge", "first", 2)


def test_the_check_is_made_under_the_write_lock_not_on_an_earlier_read(db_path: Path, services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="base"))
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is half-way through its own save
    other.execute("UPDATE entries SET body = 'theirs', version = version + 1 WHERE id = ?", (entry.id,))
    outcome: list[BaseException | Entry] = []

    def save() -> None:
        try:
            outcome.append(services.entries.update(entry.id, EntryFields(body="mine"), base_version=entry.version))
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    saver = threading.Thread(target=save)
    saver.start()
    time.sleep(0.3)  # a save that read first would see version 1 now; this one waits for the lock
    other.execute("COMMIT")
    other.close()
    saver.join(timeout=30)
    (result,) = outcome
    assert isinstance(result, EntryConflict), result
    assert stored_row(db_path, entry.id) == ("Ridge", "theirs", 2)


# -- keep mine -----------------------------------------------------------------------------


def test_keep_mine_keeps_their_text_as_a_conflict_revision_and_writes_mine(
    services: Services, elsewhere: Services
) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="base"))
    elsewhere.entries.update(entry.id, EntryFields(body="their text"))
    with pytest.raises(EntryConflict):
        services.entries.update(entry.id, EntryFields(body="my text"), base_version=entry.version)

    mine = services.entries.force_update(entry.id, EntryFields(body="my text"), snapshot="manual")

    assert (mine.body, mine.version) == ("my text", 3)
    assert history(services, entry.id) == [("manual", "my text"), ("conflict", "their text"), ("autosave", "base")]
    # From the version it returned, the next save goes through.
    assert services.entries.update(entry.id, EntryFields(body="more"), base_version=mine.version).version == 4


def test_keep_mine_adds_no_copy_when_history_holds_their_text_already(
    services: Services, elsewhere: Services
) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="base"))
    elsewhere.entries.update(entry.id, EntryFields(body="their text"), snapshot="manual")
    services.entries.force_update(entry.id, EntryFields(body="my text"))
    assert history(services, entry.id) == [("manual", "their text"), ("autosave", "base")]


# -- what changed since a view read it -----------------------------------------------------


def test_changes_since_names_the_entries_changed_or_deleted_since_their_versions(
    services: Services, elsewhere: Services
) -> None:
    kept, edited, deleted = (services.entries.create(EntryFields(title=t)) for t in ("Kept", "Edited", "Deleted"))
    held = {e.id: e.version for e in (kept, edited, deleted)}
    assert services.entries.changes_since(held) == EntryChanges()
    assert not services.entries.changes_since(held)

    elsewhere.entries.update(edited.id, EntryFields(body="new"))
    elsewhere.entries.trash(deleted.id)
    elsewhere.entries.empty_trash()

    changes = services.entries.changes_since(held)
    assert changes == EntryChanges(changed=(edited.id,), removed=(deleted.id,))
    assert changes
    assert services.entries.changes_since({}) == EntryChanges()
