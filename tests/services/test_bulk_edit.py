"""Bulk edits: one change to many entries in one transaction, versions raised, no revisions, and an
undo that puts back each entry's own value unless another writer changed the entry since."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ValidationError
from fieldnotes_desktop.records import Entry, EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.bulk_records import BulkChange, BulkKind

from service_clock import ManualClock


@pytest.fixture
def three(services: Services) -> list[Entry]:
    entries = services.entries
    return [
        entries.create(EntryFields(title="Glacier", body="Ice.", status="finished", category="Mountains",
                                   volume=8, tags=("ice", "alps"))),
        entries.create(EntryFields(title="Sourdough", body="Bread.", category="Kitchen", volume=7,
                                   tags=("bread",))),
        entries.create(EntryFields(title="Night train", body="Rail.", category="Travel", tags=("alps",))),
    ]


@pytest.fixture
def elsewhere(db_path: Path, services: Services, clock: ManualClock) -> Iterator[Services]:
    """A second writer on the same file: another window, or the command line."""
    other = open_services(db_path, clock=clock)
    yield other
    other.close()


def stored(services: Services, entry: Entry) -> Entry:
    return services.entries.get(entry.id)


def ids(entries: list[Entry]) -> list[int]:
    return [e.id for e in entries]


def test_set_status_changes_those_that_differ_raises_their_versions_and_keeps_no_revision(
    services: Services, three: list[Entry], clock: ManualClock
) -> None:
    revisions = [len(services.entries.revisions(e.id)) for e in three]
    clock.advance(minutes=5)
    edit = services.bulk_edits.apply(ids(three), BulkChange(BulkKind.STATUS, "finished"))

    assert edit.asked == 3
    assert [e.id for e in edit.entries] == ids(three)[1:]  # the glacier was finished already
    after = [stored(services, e) for e in three]
    assert [e.status for e in after] == ["finished"] * 3
    assert [a.version - e.version for a, e in zip(after, three)] == [0, 1, 1]
    assert after[1].updated_at == clock() and after[0].updated_at == three[0].updated_at
    assert [p.value for p in edit.previous] == ["draft", "draft"]
    assert [len(services.entries.revisions(e.id)) for e in three] == revisions
    assert [(a.title, a.body) for a in after] == [(e.title, e.body) for e in three]


def test_undo_puts_back_each_entrys_own_value_and_its_updated_at(services: Services, three: list[Entry],
                                                                 clock: ManualClock) -> None:
    clock.advance(minutes=5)
    edit = services.bulk_edits.apply(ids(three), BulkChange(BulkKind.CATEGORY, "  Field work "))
    assert [stored(services, e).category for e in three] == ["Field work"] * 3

    undo = services.bulk_edits.undo(edit)

    assert undo.refused == () and undo.refusal() == ""
    after = [stored(services, e) for e in three]
    assert [e.category for e in after] == ["Mountains", "Kitchen", "Travel"]
    assert [e.updated_at for e in after] == [e.updated_at for e in three]
    assert [a.version - e.version for a, e in zip(after, three)] == [2, 2, 2]  # the edit, then its undo
    assert [s.category for s in undo.entries] == ["Mountains", "Kitchen", "Travel"]


def test_volume_can_be_set_and_cleared(services: Services, three: list[Entry]) -> None:
    edit = services.bulk_edits.apply(ids(three), BulkChange(BulkKind.VOLUME, 9))
    assert [stored(services, e).volume for e in three] == [9, 9, 9]
    services.bulk_edits.apply(ids(three[:2]), BulkChange(BulkKind.VOLUME, None))
    assert [stored(services, e).volume for e in three] == [None, None, 9]
    with pytest.raises(ValidationError) as refused:
        services.bulk_edits.apply(ids(three), BulkChange(BulkKind.VOLUME, 100))
    assert refused.value.field == "volume"
    assert [stored(services, e).volume for e in three] == [None, None, 9]  # nothing of it was stored
    assert [p.value for p in edit.previous] == [8, 7, None]


def test_add_and_remove_a_tag_and_undo_each(services: Services, three: list[Entry]) -> None:
    added = services.bulk_edits.apply(ids(three), BulkChange(BulkKind.ADD_TAG, "winter"))
    assert [stored(services, e).tags for e in three] == [
        ("alps", "ice", "winter"), ("bread", "winter"), ("alps", "winter")]
    assert "winter" in services.entries.tags()
    services.bulk_edits.undo(added)
    assert [stored(services, e).tags for e in three] == [e.tags for e in three]
    assert "winter" not in services.entries.tags()

    removed = services.bulk_edits.apply(ids(three), BulkChange(BulkKind.REMOVE_TAG, "alps"))
    assert [e.id for e in removed.entries] == [three[0].id, three[2].id]  # the sourdough had no alps
    assert [stored(services, e).tags for e in three] == [("ice",), ("bread",), ()]
    services.bulk_edits.undo(removed)
    assert [stored(services, e).tags for e in three] == [e.tags for e in three]


def test_an_undo_after_a_later_bulk_edit_is_refused(services: Services, three: list[Entry]) -> None:
    first = services.bulk_edits.apply(ids(three), BulkChange(BulkKind.ADD_TAG, "winter"))
    services.bulk_edits.apply(ids(three[:1]), BulkChange(BulkKind.STATUS, "draft"))
    undo = services.bulk_edits.undo(first)
    assert [s.title for s in undo.refused] == ["Glacier"]
    assert [stored(services, e).tags for e in three] == [("alps", "ice", "winter"), ("bread",), ("alps",)]


def test_a_tag_is_one_name(services: Services, three: list[Entry]) -> None:
    for name in ("", "  ", "one, two"):
        with pytest.raises(ValidationError):
            services.bulk_edits.apply(ids(three), BulkChange(BulkKind.ADD_TAG, name))


def test_trash_many_then_undo_restores_them(services: Services, three: list[Entry], clock: ManualClock) -> None:
    edit = services.bulk_edits.apply(ids(three[:2]), BulkChange(BulkKind.TRASH))
    assert all(s.trashed for s in edit.entries)
    assert [s.title for s in services.entries.list_summaries()] == ["Night train"]
    assert "Kitchen" not in services.entries.categories()

    services.bulk_edits.undo(edit)
    assert sorted(s.title for s in services.entries.list_summaries()) == ["Glacier", "Night train", "Sourdough"]
    assert [stored(services, e).trashed for e in three] == [False, False, False]


def test_undo_leaves_alone_an_entry_changed_since_by_another_writer(
    services: Services, elsewhere: Services, three: list[Entry]
) -> None:
    edit = services.bulk_edits.apply(ids(three), BulkChange(BulkKind.STATUS, "finished"))
    elsewhere.entries.update(three[1].id, EntryFields(body="Bread, rewritten elsewhere."))

    undo = services.bulk_edits.undo(edit)

    assert [s.id for s in undo.entries] == [three[2].id]
    assert [s.title for s in undo.refused] == ["Sourdough"]
    assert undo.refusal() == "“Sourdough” was changed since, so it was left as it is."
    assert [stored(services, e).status for e in three] == ["finished", "finished", "draft"]
    assert stored(services, three[1]).body == "Bread, rewritten elsewhere."


def test_undo_takes_the_versions_the_caller_made_itself(services: Services, three: list[Entry]) -> None:
    edit = services.bulk_edits.apply(ids(three), BulkChange(BulkKind.STATUS, "finished"))
    saved = services.entries.update(three[2].id, EntryFields(body="Typed on."), base_version=edit.entries[1].version)

    undo = services.bulk_edits.undo(edit, {saved.id: saved.version})

    assert undo.refused == ()
    assert (stored(services, three[2]).status, stored(services, three[2]).body) == ("draft", "Typed on.")


def test_undo_counts_entries_deleted_for_good_since(services: Services, three: list[Entry]) -> None:
    edit = services.bulk_edits.apply(ids(three), BulkChange(BulkKind.VOLUME, 3))
    services.entries.trash(three[0].id)
    services.entries.empty_trash()
    undo = services.bulk_edits.undo(edit)
    assert undo.gone == 1 and len(undo.entries) == 2
    assert undo.refusal() == "One entry was deleted for good since, so it could not be put back."


def test_a_stale_save_after_a_bulk_edit_is_refused(services: Services, three: list[Entry]) -> None:
    from fieldnotes_desktop.errors import EntryConflict

    services.bulk_edits.apply(ids(three), BulkChange(BulkKind.CATEGORY, "Elsewhere"))
    with pytest.raises(EntryConflict):
        services.entries.update(three[0].id, EntryFields(body="old base"), base_version=three[0].version)


def test_many_entries_in_one_transaction(services: Services, db_path: Path) -> None:
    with services.store.transaction() as session:
        made = [services.entries.create_in(session, EntryFields(title=f"E{n}")) for n in range(1300)]
    edit = services.bulk_edits.apply([e.id for e in made], BulkChange(BulkKind.STATUS, "finished"))
    assert len(edit.entries) == 1300
    services.bulk_edits.undo(edit)
    db = sqlite3.connect(db_path)
    try:
        assert db.execute("SELECT status, version, count(*) FROM entries GROUP BY 1, 2").fetchall() == [
            ("draft", 3, 1300)]
    finally:
        db.close()
