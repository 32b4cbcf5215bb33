"""The maintenance service on real files: integrity checks, doctor and repair, backups, rotation, restore."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

import fieldnotes_desktop.store.backup as backup_module
import fieldnotes_desktop.store.snapshot as snapshot_module
from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.store.doctor import IntegrityReport

from release_databases import add_old_entry, database_at
from service_clock import ManualClock


def dump(path: Path) -> list[str]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def raw(path: Path) -> sqlite3.Connection:
    """A connection of 'another program': no triggers of ours fire differently, no checks of ours run."""
    return sqlite3.connect(path, isolation_level=None)


def entries_leaf_page(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        pages = [row[0] for row in db.execute(
            "SELECT pageno FROM dbstat WHERE name = 'entries' AND pagetype = 'leaf' ORDER BY pageno"
        )]
    finally:
        db.close()
    assert len(pages) > 2, "the entries table should span several pages"
    return pages[1]


def damage_a_page(path: Path, page: int) -> None:
    """Overwrites a b-tree page after its 8-byte header: its cell pointers now point nowhere."""
    size = 4096
    with path.open("r+b") as handle:
        handle.seek((page - 1) * size + 8)
        handle.write(b"\xa5" * (size - 8))


def add_entries(services: Services, count: int = 30) -> list[int]:
    return [
        services.entries.create(
            EntryFields(title=f"Entry {i}", body=f"Notes from camp {i}. " + "moraine scree " * 200)
        ).id
        for i in range(count)
    ]


# -- integrity -----------------------------------------------------------------------------


def test_quick_check_of_a_healthy_database_is_ok(services: Services) -> None:
    add_entries(services, 3)
    assert services.maintenance.quick_check() == IntegrityReport(True, ())


def test_a_damaged_page_is_found_by_quick_check_and_doctor(services: Services, db_path: Path) -> None:
    ids = add_entries(services)
    services.close()
    damage_a_page(db_path, entries_leaf_page(db_path))

    damaged = open_services(db_path)
    try:
        check = damaged.maintenance.quick_check()
        assert not check.ok and check.problems
        assert any("page" in problem for problem in check.problems)
        report = damaged.maintenance.doctor()
        assert not report.ok and not report.integrity.ok
        assert report.search_index is None  # not read further: a backup is the cure
        assert any(problem.startswith("damaged:") for problem in report.problems)
        # A command that reads the damaged page is refused with the "damaged" sentence.
        failures = []
        for read in (damaged.entries.list_summaries, lambda: [damaged.entries.get(i) for i in ids]):
            try:
                read()
            except DatabaseError as exc:
                failures.append(str(exc))
        assert failures and all("is damaged" in failure for failure in failures)
    finally:
        damaged.close()


# -- doctor and the search index -----------------------------------------------------------


def test_doctor_finds_an_entry_missing_from_the_search_index_and_repair_puts_it_back(
    services: Services, db_path: Path
) -> None:
    ids = add_entries(services, 3)
    lost = services.entries.create(EntryFields(title="Lost pass", body="The col of quetzal ice."))
    assert [hit.entry.id for hit in services.entries.search("quetzal")] == [lost.id]
    with raw(db_path) as db:
        db.execute(
            "INSERT INTO entries_fts(entries_fts, rowid, title, summary, body) "
            "SELECT 'delete', id, title, summary, body FROM entries WHERE id = ?", (lost.id,)
        )
    assert services.entries.search("quetzal") == []

    report = services.maintenance.doctor()
    assert not report.ok
    assert report.search_index is not None and report.search_index.missing == (lost.id,)
    assert report.problems == ("search index: 1 entry was missing",)

    repaired = services.maintenance.doctor(repair=True)
    assert repaired.repaired == ("search index: 1 entry was missing; rebuilt",)
    assert repaired.ok
    assert [hit.entry.id for hit in services.entries.search("quetzal")] == [lost.id]
    assert len(services.entries.search("moraine")) == len(ids)


def test_doctor_names_stale_and_out_of_date_index_rows(services: Services, db_path: Path) -> None:
    first, second = add_entries(services, 2)
    with raw(db_path) as db:
        db.execute(
            "INSERT INTO entries_fts(rowid, title, summary, body) VALUES (999, 'Ghost', '', 'gone')"
        )
        # A change the triggers never saw, as another program might make it.
        (trigger,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_fts_au'").fetchone()
        db.execute("DROP TRIGGER entries_fts_au")
        db.execute("UPDATE entries SET body = 'a short new text' WHERE id = ?", (second,))
        db.execute(trigger)

    report = services.maintenance.doctor()
    assert report.search_index is not None
    assert report.search_index.stale == (999,)
    assert report.search_index.differing == (second,)
    assert report.problems == ("search index: 1 was stale, 1 held old text",)

    fixed = services.maintenance.doctor(repair=True)
    assert fixed.repaired == ("search index: 1 was stale, 1 held old text; rebuilt",)
    assert fixed.ok
    assert [hit.entry.id for hit in services.entries.search("short new")] == [second]
    assert services.entries.search("ghost") == []


def test_doctor_sees_words_changed_without_changing_their_number(services: Services, db_path: Path) -> None:
    entry = services.entries.create(EntryFields(title="Ridge", body="rock then ice"))
    with raw(db_path) as db:
        (trigger,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_fts_au'").fetchone()
        db.execute("DROP TRIGGER entries_fts_au")
        db.execute("UPDATE entries SET body = 'ice then rock' WHERE id = ?", (entry.id,))
        db.execute(trigger)
    report = services.maintenance.doctor()
    assert not report.ok
    assert report.problems == ("search index: its words did not match the entries' text",)
    assert services.maintenance.doctor(repair=True).ok


def test_doctor_reports_broken_links_and_repair_removes_tag_links_to_nothing(
    services: Services, db_path: Path
) -> None:
    services.entries.create(EntryFields(title="Tagged", tags=("alps",)))
    with raw(db_path) as db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("INSERT INTO entry_tags (entry_id, tag_id) VALUES (4242, 1)")
    report = services.maintenance.doctor()
    assert report.foreign_keys == ("1 row of entry_tags points to missing entries",)
    assert not report.ok
    fixed = services.maintenance.doctor(repair=True)
    assert fixed.repaired == ("tags: 1 link to a missing entry or tag removed",)
    assert fixed.ok
    assert services.entries.get_by_slug("tagged").tags == ("alps",)


def test_doctor_of_a_healthy_database_read_only_changes_nothing(db_path: Path, clock: ManualClock) -> None:
    writer = open_services(db_path, clock=clock)
    add_entries(writer, 5)
    writer.close()
    before = {p.name: p.read_bytes() for p in db_path.parent.iterdir()}
    reader = open_services(db_path, clock=clock, read_only=True)
    try:
        report = reader.maintenance.doctor()
        assert report.ok and report.problems == () and report.repaired == ()
    finally:
        reader.close()
    assert {p.name: p.read_bytes() for p in db_path.parent.iterdir()} == before


# -- backups -------------------------------------------------------------------------------


def test_a_backup_is_a_complete_checked_copy_in_the_backups_folder(services: Services, db_path: Path) -> None:
    add_entries(services, 4)
    target = services.maintenance.backup()
    assert target.parent == db_path.parent / "fieldnotes.db.backups"
    assert target.name == "fieldnotes-2025-01-19-" + target.name.split("-")[-1]
    assert dump(target) == dump(db_path)
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # stands alone
    assert copy.execute("PRAGMA quick_check").fetchone() == ("ok",)
    copy.close()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no partial copy left


def test_a_backup_taken_while_another_connection_writes_holds_only_committed_work(
    services: Services, db_path: Path, tmp_path: Path
) -> None:
    services.entries.create(EntryFields(title="Committed"))
    writer = raw(db_path)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE entries SET title = 'Half-way'")
    try:
        target = services.maintenance.backup(tmp_path / "copy.db")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    titles = sqlite3.connect(target).execute("SELECT title FROM entries").fetchall()
    assert titles == [("Committed",)]


def test_a_backup_that_fails_its_check_leaves_nothing_under_its_name(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot_module, "quick_check", lambda db: IntegrityReport(False, ("page 3 is bad",)))
    with pytest.raises(DatabaseError, match="failed its check"):
        services.maintenance.backup()
    assert list(services.maintenance.backups_folder().iterdir()) == []


def test_a_backup_killed_before_its_rename_leaves_no_half_copy(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(snapshot_module.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        services.maintenance.backup()
    assert list(services.maintenance.backups_folder().iterdir()) == []


def test_daily_backups_rotate_to_seven_days_and_four_weeks(services: Services) -> None:
    start = dt.date(2026, 1, 1)  # a Thursday
    most = 0
    for offset in range(60):
        outcome = services.maintenance.daily_backup(today=start + dt.timedelta(days=offset))
        assert outcome.created and outcome.path is not None and outcome.path.is_file()
        most = max(most, len(list(services.maintenance.backups_folder().iterdir())))
    assert most == 11
    kept = sorted(p.name for p in services.maintenance.backups_folder().iterdir())
    # The last day is Sunday 2026-03-01: the 7 newest days are ISO week 9 (Feb 23 - Mar 1);
    # the newest of each of weeks 8, 7, 6 and 5 are the Sundays before.
    assert kept == [f"fieldnotes-{day}.db" for day in (
        "2026-02-01", "2026-02-08", "2026-02-15", "2026-02-22",
        "2026-02-23", "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-01",
    )]


def test_one_daily_backup_a_day(services: Services) -> None:
    first = services.maintenance.daily_backup(today=dt.date(2026, 5, 4))
    again = services.maintenance.daily_backup(today=dt.date(2026, 5, 4))
    assert first.created and not again.created
    assert again.path == first.path
    assert len(list(services.maintenance.backups_folder().iterdir())) == 1


def test_the_daily_backup_is_skipped_with_a_reason_when_the_disk_is_nearly_full(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_module, "free_space", lambda path: 50_000)
    outcome = services.maintenance.daily_backup(today=dt.date(2026, 5, 4))
    assert outcome.path is None and not outcome.created
    assert outcome.skipped is not None and "skipped" in outcome.skipped and outcome.skipped.endswith(".")
    assert not services.maintenance.backups_folder().exists() or not any(
        services.maintenance.backups_folder().iterdir()
    )


def test_backups_are_listed_newest_first_with_size_and_kind(services: Services) -> None:
    older = services.maintenance.daily_backup(today=dt.date(2026, 5, 3)).path
    manual = services.maintenance.backup()
    assert older is not None
    os.utime(older, (1_700_000_000, 1_700_000_000))
    listed = services.maintenance.backups()
    assert [b.path for b in listed] == [manual, older]
    assert [b.kind for b in listed] == ["manual", "daily"]
    assert listed[1].taken_at == dt.datetime.fromtimestamp(1_700_000_000, dt.timezone.utc)
    assert all(b.size == b.path.stat().st_size > 0 for b in listed)


def test_backup_to_a_file_of_another_program_is_refused(services: Services, tmp_path: Path) -> None:
    precious = tmp_path / "thesis.db"
    db = sqlite3.connect(precious)
    db.execute("CREATE TABLE chapters (id INTEGER PRIMARY KEY)")
    db.close()
    before = precious.read_bytes()
    with pytest.raises(DatabaseError, match="not a Field Notes backup"):
        services.maintenance.backup(precious)
    assert precious.read_bytes() == before


# -- restore -------------------------------------------------------------------------------


def test_restore_keeps_the_current_file_aside_and_open_connections_see_the_backup(
    services: Services, db_path: Path
) -> None:
    entry = services.entries.create(EntryFields(title="Before the storm", body="calm"))
    backup = services.maintenance.backup()
    services.entries.update(entry.id, EntryFields(title="After the storm"))
    services.entries.create(EntryFields(title="Written later"))
    other = raw(db_path)  # another connection already open, as the app's are
    assert other.execute("SELECT count(*) FROM entries").fetchone() == (2,)
    current = dump(db_path)

    aside = services.maintenance.restore(backup)

    assert aside.name.startswith("fieldnotes.db.before-restore-") and aside.parent == db_path.parent
    assert dump(aside) == current
    assert other.execute("SELECT title FROM entries").fetchall() == [("Before the storm",)]
    other.close()
    assert [e.title for e in services.entries.list_summaries()] == ["Before the storm"]
    assert [h.entry.title for h in services.entries.search("storm")] == ["Before the storm"]
    assert services.maintenance.quick_check().ok


def test_restore_of_a_last_release_backup_brings_it_up_to_date(services: Services, tmp_path: Path) -> None:
    # As the releases before the stamp and before entry versions left their files.
    backup = database_at(tmp_path / "old.db", "0001", stamped=False)
    add_old_entry(backup, "Old desk")
    services.maintenance.restore(backup)
    with services.store.raw_connection() as live:
        assert live.execute("PRAGMA application_id").fetchone()[0] != 0
    assert [(e.title, e.version) for e in services.entries.list_summaries()] == [("Old desk", 1)]


@pytest.mark.parametrize("kind", ["other-program", "newer", "damaged", "text"])
def test_restore_refuses_what_is_not_a_good_backup_and_changes_nothing(
    services: Services, db_path: Path, tmp_path: Path, kind: str
) -> None:
    add_entries(services, 30)
    candidate = tmp_path / f"{kind}.db"
    if kind == "other-program":
        db = sqlite3.connect(candidate)
        db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
        db.close()
    elif kind == "text":
        candidate.write_text("not a database\n")
    else:
        services.maintenance.backup(candidate)
        if kind == "newer":
            db = sqlite3.connect(candidate)
            with db:
                db.execute("UPDATE alembic_version SET version_num = '9999_later'")
            db.close()
        else:
            damage_a_page(candidate, entries_leaf_page(candidate))
    before = dump(db_path)
    with pytest.raises(DatabaseError) as caught:
        services.maintenance.restore(candidate)
    assert "nothing was changed" in str(caught.value)
    assert dump(db_path) == before
    assert list(db_path.parent.glob("*.before-restore-*")) == []
