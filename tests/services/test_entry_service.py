"""EntryService: frozen records out, unique slugs, validation, trash, and lists without bodies."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3

import pytest
from sqlalchemy import event

from fieldnotes_desktop.errors import NotFoundError, ValidationError
from fieldnotes_desktop.records import Entry, EntryFields, EntryFilter, EntrySummary
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.store.models import Base

from service_clock import ManualClock


def make(services: Services, **fields: object) -> Entry:
    return services.entries.create(EntryFields(**fields))  # type: ignore[arg-type]


# -- records -------------------------------------------------------------------------------


def test_create_returns_a_frozen_record_not_an_orm_object(services: Services) -> None:
    entry = make(services, title="First light", body="Words **here**.", tags=("alps", "ice"))
    assert type(entry) is Entry
    assert not isinstance(entry, Base)
    assert entry.tags == ("alps", "ice")
    assert entry.words == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.title = "Changed"  # type: ignore[misc]


def test_update_returns_a_frozen_record_that_outlives_the_database(
    services: Services, db_path, clock: ManualClock  # type: ignore[no-untyped-def]
) -> None:
    entry = make(services, title="Draft")
    updated = services.entries.update(entry.id, EntryFields(title="Final", tags=("z", "a")))
    services.close()
    # Every field is a plain value: nothing is loaded lazily from a closed session.
    assert type(updated) is Entry
    assert updated.title == "Final"
    assert updated.tags == ("a", "z")
    with pytest.raises(dataclasses.FrozenInstanceError):
        updated.body = "x"  # type: ignore[misc]


def test_new_entry_defaults(services: Services, clock: ManualClock) -> None:
    entry = make(services)
    assert entry.title == ""
    assert entry.slug == "untitled"
    assert entry.status == "draft"
    assert entry.date == dt.date(2025, 1, 19)
    assert entry.created_at == clock.now and entry.updated_at == clock.now
    assert entry.created_at.tzinfo is not None
    assert entry.trashed_at is None and not entry.trashed


def test_get_and_get_by_slug_return_the_body(services: Services) -> None:
    entry = make(services, title="Col du Galibier", body="Switchbacks.")
    assert services.entries.get(entry.id).body == "Switchbacks."
    assert services.entries.get_by_slug("col-du-galibier").id == entry.id


def test_unknown_entry_is_not_found(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.entries.get(999)
    with pytest.raises(NotFoundError):
        services.entries.get_by_slug("nope")
    with pytest.raises(NotFoundError):
        services.entries.update(999, EntryFields(title="x"))


# -- slugs ---------------------------------------------------------------------------------


def test_slugs_come_from_titles_and_get_a_suffix_on_collision(services: Services) -> None:
    assert make(services, title="Café au lait, 2024!").slug == "cafe-au-lait-2024"
    assert make(services, title="Café au lait 2024").slug == "cafe-au-lait-2024-2"
    assert make(services, title="Cafe au lait 2024").slug == "cafe-au-lait-2024-3"
    assert make(services, title="x", slug="Cafe au Lait 2024").slug == "cafe-au-lait-2024-4"


def test_explicit_slug_taken_by_another_entry_is_refused_on_update(services: Services) -> None:
    make(services, title="Everest")
    other = make(services, title="Lhotse", body="keep me")
    with pytest.raises(ValidationError) as caught:
        services.entries.update(other.id, EntryFields(slug="Everest", body="changed"))
    assert "everest" in str(caught.value)
    unchanged = services.entries.get(other.id)
    assert (unchanged.slug, unchanged.body) == ("lhotse", "keep me")


def test_an_entry_may_keep_or_reformat_its_own_slug(services: Services) -> None:
    entry = make(services, title="Everest")
    assert services.entries.update(entry.id, EntryFields(slug="EVEREST")).slug == "everest"
    assert services.entries.update(entry.id, EntryFields(slug="Everest North")).slug == "everest-north"


def test_a_slug_only_change_moves_updated_at(services: Services, clock: ManualClock) -> None:
    entry = make(services, title="Everest")
    clock.advance(minutes=5)
    assert services.entries.update(entry.id, EntryFields(slug="north-col")).updated_at == clock.now


def test_an_update_that_changes_nothing_keeps_updated_at(services: Services, clock: ManualClock) -> None:
    entry = make(services, title="Everest")
    clock.advance(minutes=5)
    assert services.entries.update(entry.id, EntryFields()).updated_at == entry.updated_at


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        EntryFields(status="published"),
        EntryFields(volume=100),
        EntryFields(volume="eight"),  # type: ignore[arg-type]
        EntryFields(elevation_m=9500),
        EntryFields(reading_minutes=0),
        EntryFields(date=None),
    ],
)
def test_invalid_values_are_refused_and_nothing_changes(services: Services, fields: EntryFields) -> None:
    entry = make(services, title="Stable", volume=8)
    with pytest.raises(ValidationError):
        services.entries.update(entry.id, dataclasses.replace(fields, title="Should not stick"))
    assert services.entries.get(entry.id) == entry


def test_optional_numbers_can_be_emptied(services: Services) -> None:
    entry = make(services, title="High", volume=8, elevation_m=8200, reading_minutes=7)
    cleared = services.entries.update(entry.id, EntryFields(volume=None, elevation_m=None, reading_minutes=None))
    assert (cleared.volume, cleared.elevation_m, cleared.reading_minutes) == (None, None, None)


# -- listing -------------------------------------------------------------------------------


def test_summaries_are_newest_first_by_date_then_creation(services: Services) -> None:
    make(services, title="Old", date=dt.date(2023, 5, 1))
    make(services, title="New", date=dt.date(2025, 2, 1))
    make(services, title="Mid A", date=dt.date(2024, 6, 1))
    make(services, title="Mid B", date=dt.date(2024, 6, 1))
    assert [e.title for e in services.entries.list_summaries()] == ["New", "Mid B", "Mid A", "Old"]
    assert [e.title for e in services.entries.list_summaries(limit=2, offset=1)] == ["Mid B", "Mid A"]


def test_summaries_carry_no_body(services: Services) -> None:
    make(services, title="With body", body="A long body " * 100)
    (summary,) = services.entries.list_summaries()
    assert type(summary) is EntrySummary
    assert "body" not in {f.name for f in dataclasses.fields(EntrySummary)}
    assert not hasattr(summary, "body")


def test_listing_does_not_read_bodies_from_the_database(services: Services) -> None:
    for n in range(3):
        make(services, title=f"Entry {n}", body="body text " * 50, tags=("t",))
    statements: list[str] = []

    def record(conn, cursor, statement, *rest):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(services.store.engine, "before_cursor_execute", record)
    try:
        assert len(services.entries.list_summaries()) == 3
    finally:
        event.remove(services.store.engine, "before_cursor_execute", record)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert selects
    assert not any("entries.body" in s for s in selects), selects


def test_filters_by_status_category_tag_and_volume(services: Services) -> None:
    make(services, title="A", status="finished", category="Backend", volume=8, tags=("python",))
    make(services, title="B", status="draft", category="Backend", volume=7, tags=("go",))
    make(services, title="C", status="finished", category="Travel", volume=8, tags=("python", "go"))

    def titles(**filter_args: object) -> list[str]:
        found = services.entries.list_summaries(EntryFilter(**filter_args))  # type: ignore[arg-type]
        return sorted(e.title for e in found)

    assert titles(status="finished") == ["A", "C"]
    assert titles(category="Backend") == ["A", "B"]
    assert titles(tag="go") == ["B", "C"]
    assert titles(volume=8) == ["A", "C"]
    assert titles(status="finished", tag="go") == ["C"]
    assert titles(tag="nothing") == []
    assert services.entries.count(EntryFilter(volume=8)) == 2
    assert services.entries.categories() == ["Backend", "Travel"]
    assert services.entries.volumes() == [7, 8]
    assert services.entries.tags() == ["go", "python"]


def test_duplicate_makes_an_independent_draft(services: Services) -> None:
    source = make(services, title="Original", body="text", status="finished", tags=("a",), volume=3)
    copy = services.entries.duplicate(source.id)
    assert (copy.title, copy.body, copy.status, copy.tags, copy.volume) == (
        "Original (copy)", "text", "draft", ("a",), 3,
    )
    assert copy.slug != source.slug and copy.uuid != source.uuid


# -- trash ---------------------------------------------------------------------------------


def test_trash_hides_and_restore_brings_back(services: Services, clock: ManualClock) -> None:
    entry = make(services, title="Maybe")
    trashed = services.entries.trash(entry.id)
    assert trashed.trashed_at == clock.now
    assert services.entries.list_summaries() == []
    assert [e.id for e in services.entries.list_summaries(EntryFilter(trashed=True))] == [entry.id]
    restored = services.entries.restore(entry.id)
    assert restored.trashed_at is None
    assert [e.id for e in services.entries.list_summaries()] == [entry.id]


def test_empty_trash_deletes_trashed_entries_with_their_revisions_and_tags(
    services: Services, clock: ManualClock
) -> None:
    gone = make(services, title="Gone", body="v1", tags=("shared", "mine"))
    kept = make(services, title="Kept", body="v1", tags=("shared",))
    for entry in (gone, kept):
        clock.advance(minutes=11)
        services.entries.update(entry.id, EntryFields(body="v2"), snapshot="manual")
    services.entries.trash(gone.id)

    assert services.entries.empty_trash() == 1

    db = sqlite3.connect(services.db_path)
    try:
        assert db.execute("SELECT id FROM entries").fetchall() == [(kept.id,)]
        assert db.execute("SELECT DISTINCT entry_id FROM revisions").fetchall() == [(kept.id,)]
        assert db.execute("SELECT DISTINCT entry_id FROM entry_tags").fetchall() == [(kept.id,)]
    finally:
        db.close()
    assert services.entries.tags() == ["shared"]
    assert services.entries.empty_trash() == 0


def test_entries_survive_reopening_the_file(db_path, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    first = open_services(db_path, clock=clock)
    entry = first.entries.create(EntryFields(title="Persisted", body="still here", tags=("x",)))
    first.close()
    second = open_services(db_path, clock=clock)
    try:
        assert second.entries.get(entry.id) == entry
    finally:
        second.close()


def test_a_new_entry_is_dated_by_the_writers_calendar_not_utc(
    services: Services, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", "PST8")  # POSIX form: needs no tzdata
    time.tzset()
    try:
        clock.now = dt.datetime(2025, 1, 20, 3, 30, tzinfo=dt.timezone.utc)  # 19:30 on the 19th there
        assert make(services, title="Evening").date == dt.date(2025, 1, 19)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_slugs_never_take_the_export_s_own_folders(services: Services) -> None:
    now = services.entries.create(EntryFields(title="Now"))
    assert now.slug == "now-2"  # `now/` holds the site's "What I am doing now" page
    with pytest.raises(ValidationError, match="folder of the exported site"):
        services.entries.update(now.id, EntryFields(slug="tag"))
    assert services.entries.get(now.id).slug == "now-2"
