"""Revision history: the replaced text is kept at most every ten minutes of editing, and on request."""

from __future__ import annotations

import pytest

from fieldnotes_desktop.errors import NotFoundError
from fieldnotes_desktop.records import EntryFields, Revision
from fieldnotes_desktop.services import Services

from service_clock import ManualClock


def history(services: Services, entry_id: int) -> list[tuple[str, str]]:
    """(reason, body) of each revision, newest first."""
    return [(r.reason, r.body) for r in services.entries.revisions(entry_id)]


def type_body(services: Services, clock: ManualClock, entry_id: int, body: str, minutes: float) -> None:
    clock.advance(minutes=minutes)
    services.entries.update(entry_id, EntryFields(body=body))


def test_body_changes_keep_the_replaced_text_at_most_every_ten_minutes(
    services: Services, clock: ManualClock
) -> None:
    entry = services.entries.create(EntryFields(title="Diary", body="v1"))
    assert history(services, entry.id) == []

    type_body(services, clock, entry.id, "v2", minutes=1)  # first change: v1 is kept
    type_body(services, clock, entry.id, "v3", minutes=3)
    type_body(services, clock, entry.id, "v4", minutes=5)  # 9 min since the last revision
    assert history(services, entry.id) == [("autosave", "v1")]

    type_body(services, clock, entry.id, "v5", minutes=2)  # 11 min: v4 is kept
    assert history(services, entry.id) == [("autosave", "v4"), ("autosave", "v1")]
    assert services.entries.get(entry.id).body == "v5"


def test_a_long_pause_then_an_edit_keeps_the_text_at_once(services: Services, clock: ManualClock) -> None:
    entry = services.entries.create(EntryFields(title="Diary", body="v1"))
    type_body(services, clock, entry.id, "v2", minutes=1)
    type_body(services, clock, entry.id, "v3", minutes=120)
    assert [body for _, body in history(services, entry.id)] == ["v2", "v1"]


def test_saving_the_same_body_or_only_metadata_records_nothing(
    services: Services, clock: ManualClock
) -> None:
    entry = services.entries.create(EntryFields(title="Diary", body="same"))
    clock.advance(minutes=30)
    services.entries.update(entry.id, EntryFields(body="same", category="Walks", volume=2))
    clock.advance(minutes=30)
    services.entries.update(entry.id, EntryFields(status="finished"))
    assert history(services, entry.id) == []


def test_a_title_change_is_kept_like_a_body_change(services: Services, clock: ManualClock) -> None:
    entry = services.entries.create(EntryFields(title="Working title", body="b"))
    clock.advance(minutes=1)
    services.entries.update(entry.id, EntryFields(title="Better title"))
    (revision,) = services.entries.revisions(entry.id)
    assert revision.title == "Working title"


def test_a_snapshot_records_the_new_state_whenever_asked(services: Services, clock: ManualClock) -> None:
    entry = services.entries.create(EntryFields(title="Diary", body="v1"))
    type_body(services, clock, entry.id, "v2", minutes=1)
    clock.advance(minutes=1)
    services.entries.update(entry.id, EntryFields(body="v3"), snapshot="manual")
    clock.advance(minutes=1)
    services.entries.update(entry.id, EntryFields(), snapshot="export")
    assert history(services, entry.id) == [("export", "v3"), ("manual", "v3"), ("autosave", "v1")]


def test_create_with_a_reason_records_the_first_version(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Imported", body="text"), reason="import")
    assert history(services, entry.id) == [("import", "text")]


def test_revisions_are_frozen_records_with_time_and_words(services: Services, clock: ManualClock) -> None:
    entry = services.entries.create(EntryFields(title="Diary", body="one two three"))
    clock.advance(minutes=1)
    services.entries.update(entry.id, EntryFields(body="four"))
    (revision,) = services.entries.revisions(entry.id)
    assert type(revision) is Revision
    assert revision.created_at == clock.now
    assert revision.words == 3
    assert revision.entry_id == entry.id


def test_restore_revision_brings_the_text_back_and_keeps_what_it_replaced(
    services: Services, clock: ManualClock
) -> None:
    entry = services.entries.create(EntryFields(title="Old title", body="v1"))
    clock.advance(minutes=1)
    services.entries.update(entry.id, EntryFields(title="New title", body="v2"))
    type_body(services, clock, entry.id, "v3", minutes=2)  # not kept yet: too soon
    (first,) = services.entries.revisions(entry.id)

    clock.advance(minutes=1)
    restored = services.entries.restore_revision(first.id)

    assert (restored.title, restored.body, restored.words) == ("Old title", "v1", 1)
    assert restored.updated_at == clock.now
    assert history(services, entry.id) == [("restore", "v1"), ("autosave", "v3"), ("autosave", "v1")]
    assert services.entries.get(entry.id).body == "v1"


def test_restoring_twice_does_not_duplicate_the_kept_text(services: Services, clock: ManualClock) -> None:
    entry = services.entries.create(EntryFields(title="T", body="v1"))
    type_body(services, clock, entry.id, "v2", minutes=1)
    (first,) = services.entries.revisions(entry.id)
    services.entries.restore_revision(first.id)
    services.entries.restore_revision(first.id)
    # The second restore replaces text already kept by the first: only the restore is added.
    assert history(services, entry.id) == [("restore", "v1"), ("restore", "v1"), ("autosave", "v2"), ("autosave", "v1")]


def test_unknown_revision_or_entry_is_not_found(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.entries.restore_revision(12345)
    with pytest.raises(NotFoundError):
        services.entries.revisions(12345)


def test_a_manual_snapshot_of_unchanged_text_is_kept_once(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Pass", body="Snow on the pass."))
    first = services.entries.snapshot(entry.id, "manual")
    again = services.entries.snapshot(entry.id, "manual")
    assert again.id == first.id
    services.entries.update(entry.id, EntryFields(body="Snow on the pass, and wind."), snapshot="manual")
    kept = [r for r in services.entries.revisions(entry.id) if r.reason == "manual"]
    assert [r.body for r in kept] == ["Snow on the pass, and wind.", "Snow on the pass."]
