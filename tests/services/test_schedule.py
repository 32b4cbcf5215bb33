"""Scheduled entries: out of the site until their moment, then finished by the next export, offsets respected."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from fieldnotes_desktop.errors import ExportFailed, ValidationError
from fieldnotes_desktop.records import FINISHED, SCHEDULED, Entry, EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.bulk_records import BulkChange, BulkKind
from fieldnotes_desktop.services.markdown_export import MarkdownExportOptions
from fieldnotes_desktop.services.publish import ExportOptions
from fieldnotes_desktop.services.schedule import moment_of

from service_clock import ManualClock

UTC = dt.timezone.utc


def scheduled(services: Services, title: str, day: dt.date, at: str = "", **more: object) -> Entry:
    return services.entries.create(EntryFields(
        title=title, body=f"{title}: the words as written.", status=SCHEDULED, date=day, published_time=at,
        **more,  # type: ignore[arg-type]
    ))  # fmt: skip


def status_of(services: Services, entry: Entry) -> str:
    return services.entries.get(entry.id).status


@pytest.fixture
def pacific(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's local time is UTC-8 (POSIX form: needs no tzdata)."""
    monkeypatch.setenv("TZ", "PST8")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# -- the moment ----------------------------------------------------------------------------


def test_a_time_with_an_offset_is_at_that_offset() -> None:
    day = dt.date(2025, 12, 3)
    assert moment_of(day, "09:00:00+01:00") == dt.datetime(2025, 12, 3, 8, 0, tzinfo=UTC)
    assert moment_of(day, "09:00Z") == dt.datetime(2025, 12, 3, 9, 0, tzinfo=UTC)
    assert moment_of(day, "21:15-0500") == dt.datetime(2025, 12, 4, 2, 15, tzinfo=UTC)


def test_a_time_without_an_offset_and_a_day_without_a_time_are_the_writers_wall_clock() -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    day = dt.date(2025, 12, 3)
    assert moment_of(day, "09:00", berlin) == dt.datetime(2025, 12, 3, 8, 0, tzinfo=UTC)
    assert moment_of(day, "", berlin) == dt.datetime(2025, 12, 2, 23, 0, tzinfo=UTC)  # the start of the 3rd there
    assert moment_of(day, "not a time", berlin) == moment_of(day, "", berlin)


def test_without_a_zone_the_computers_local_time_is_meant(pacific: None) -> None:
    assert moment_of(dt.date(2025, 12, 3), "09:00") == dt.datetime(2025, 12, 3, 17, 0, tzinfo=UTC)
    assert moment_of(dt.date(2025, 12, 3), "") == dt.datetime(2025, 12, 3, 8, 0, tzinfo=UTC)


# -- releasing -----------------------------------------------------------------------------


def test_a_past_moment_is_published_by_the_next_export_and_a_future_one_stays_out(
    services: Services, tmp_path: Path
) -> None:
    # The clock says 2025-01-19 09:00 UTC.
    due = scheduled(services, "Out at dawn", dt.date(2025, 1, 18), "06:00:00+00:00", category="Mountains", volume=8)
    later = scheduled(services, "Not yet", dt.date(2025, 2, 1), "06:00:00+00:00", category="Mountains", volume=8)
    services.entries.create(EntryFields(title="Already out", status=FINISHED, category="Mountains", volume=8,
                                        date=dt.date(2025, 1, 2)))
    services.site.update(base_url="https://notes.example.org/")  # the feed and sitemap need it
    out = tmp_path / "site"
    services.exports.export(ExportOptions(out=out))

    released = services.entries.get(due.id)
    assert (released.status, released.version, released.body) == (FINISHED, due.version + 1, due.body)
    # The release keeps no revision (no text changed); the export keeps its own, as for any page.
    assert [r.reason for r in services.entries.revisions(due.id)] == ["export"]
    assert (out / due.slug / "index.html").is_file()
    page = (out / due.slug / "index.html").read_text(encoding="utf-8")
    assert "ENTRY 02/02" in page  # numbered among the finished entries of its volume
    for listing in ("index.html", "feed.xml", "sitemap.xml", "category/mountains/index.html"):
        text = (out / listing).read_text(encoding="utf-8")
        assert due.slug in text, listing
        assert later.slug not in text, listing
    assert not (out / later.slug).exists()
    waiting = services.entries.get(later.id)
    assert (waiting.status, waiting.version) == (SCHEDULED, later.version)


def test_trashed_entries_are_left_as_they_are(services: Services, tmp_path: Path) -> None:
    gone = scheduled(services, "In the bin", dt.date(2025, 1, 1))
    services.entries.trash(gone.id)
    before = services.entries.get(gone.id)
    assert services.schedule.release_due() == ()
    services.exports.export(ExportOptions(out=tmp_path / "site"))
    after = services.entries.get(gone.id)
    assert (after.status, after.version, after.trashed) == (SCHEDULED, before.version, True)


def test_offsets_decide_which_of_two_entries_of_the_same_day_is_due(services: Services, clock: ManualClock) -> None:
    # 09:00 UTC: 10:30 at +02:00 was 08:30 UTC, 09:30 at -01:00 is 10:30 UTC.
    east = scheduled(services, "East", dt.date(2025, 1, 19), "10:30:00+02:00")
    west = scheduled(services, "West", dt.date(2025, 1, 19), "09:30:00-01:00")
    assert [s.id for s in services.schedule.release_due()] == [east.id]
    assert status_of(services, west) == SCHEDULED
    clock.advance(hours=1, minutes=29)
    assert services.schedule.release_due() == ()  # 10:29 UTC
    clock.advance(minutes=1)
    (released,) = services.schedule.release_due()  # 10:30 UTC: its moment exactly
    assert (released.id, released.status) == (west.id, FINISHED)
    assert services.schedule.release_due() == ()


def test_a_time_without_an_offset_is_the_writers_local_time(services: Services, pacific: None) -> None:
    # 09:00 UTC is 01:00 in UTC-8.
    past = scheduled(services, "Half past midnight", dt.date(2025, 1, 19), "00:30")
    future = scheduled(services, "Half past one", dt.date(2025, 1, 19), "01:30")
    today = scheduled(services, "Today, any time", dt.date(2025, 1, 19))
    tomorrow = scheduled(services, "Tomorrow", dt.date(2025, 1, 20))
    assert {s.id for s in services.schedule.release_due()} == {past.id, today.id}
    assert status_of(services, future) == status_of(services, tomorrow) == SCHEDULED


def test_a_read_only_desk_releases_nothing(services: Services, db_path: Path, clock: ManualClock) -> None:
    due = scheduled(services, "Due", dt.date(2025, 1, 1))
    reader = open_services(db_path, clock=clock, read_only=True)
    try:
        assert reader.schedule.release_due() == ()
    finally:
        reader.close()
    assert status_of(services, due) == SCHEDULED


def test_an_export_refused_by_its_options_releases_nothing(services: Services, tmp_path: Path) -> None:
    due = scheduled(services, "Due", dt.date(2025, 1, 1))
    with pytest.raises(ExportFailed):
        services.exports.export(ExportOptions(out=tmp_path / "site", self_contained=True))
    assert status_of(services, due) == SCHEDULED


def test_one_chosen_scheduled_entry_is_refused_as_scheduled(services: Services, tmp_path: Path) -> None:
    later = scheduled(services, "Not yet", dt.date(2025, 3, 1))
    with pytest.raises(ExportFailed, match="is scheduled for later; add --include-drafts"):
        services.exports.export(ExportOptions(out=tmp_path / "site", slugs=(later.slug,)))


# -- setting it --------------------------------------------------------------------------


def test_scheduled_is_a_status_like_the_others_and_any_date_will_do(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Someday"))
    changed = services.entries.update(entry.id, EntryFields(status=SCHEDULED, date=dt.date(2020, 5, 1)))
    assert changed.status == SCHEDULED  # a moment long past: the next export releases it
    with pytest.raises(ValidationError, match="draft, scheduled, finished"):
        services.entries.update(entry.id, EntryFields(status="pending"))


def test_a_bulk_edit_schedules_many(services: Services) -> None:
    ids = [services.entries.create(EntryFields(title=f"Entry {n}")).id for n in range(3)]
    edit = services.bulk_edits.apply(ids, BulkChange(BulkKind.STATUS, SCHEDULED))
    assert [s.status for s in edit.entries] == [SCHEDULED] * 3


@pytest.mark.parametrize("layout", ["hugo", "jekyll"])
def test_our_front_matter_brings_a_scheduled_entry_back_scheduled(
    services: Services, tmp_path: Path, layout: str
) -> None:
    entry = scheduled(services, "Next week", dt.date(2025, 1, 26), "07:30:00+01:00")
    out = tmp_path / layout
    services.markdown_exports.export(MarkdownExportOptions(out=out, layout=layout))
    (written,) = [p for p in out.rglob("*.md") if "next-week" in str(p)]
    meta = yaml.safe_load(written.read_text(encoding="utf-8").split("---")[1])
    assert meta["status"] == "scheduled" and "draft" not in meta
    if layout == "jekyll":
        assert written.parent.name == "_posts"  # Jekyll holds back a post dated in the future itself
    again = open_services(tmp_path / f"{layout}.db")
    try:
        report = again.imports.import_paths([out])
        (back,) = [e for e in report.created if e.slug == entry.slug]
        stored = again.entries.get(back.id)
        assert (stored.status, stored.date, stored.published_time) == (SCHEDULED, entry.date, "07:30:00+01:00")
    finally:
        again.close()
