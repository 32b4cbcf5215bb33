"""Backups beside the database: one copy a day kept on a 7-daily, 4-weekly rotation, on demand, and restore."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fieldnotes_desktop.errors import DatabaseError, FieldnotesError
from fieldnotes_desktop.store import identity
from fieldnotes_desktop.store.doctor import IntegrityReport, quick_check
from fieldnotes_desktop.store.engine import BUSY_TIMEOUT_MS, Store, inspect, upgrade_in_place
from fieldnotes_desktop.store.errors import (
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_NOTADB,
    damaged,
    disk_full,
    free_space,
    nearly_full,
    translate_os_error,
    translate_sqlite_error,
)
from fieldnotes_desktop.store.identity import Kind, NewerDatabaseError
from fieldnotes_desktop.store.snapshot import copy_database, remove_partials

KEEP_DAILY = 7
KEEP_WEEKLY = 4
# A backup needs the room of one more database, and the database room to keep growing.
SPACE_FACTOR = 2


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime  # when the file was written (UTC)
    size: int  # bytes
    kind: str  # "daily", "manual", "before-upgrade" or "before-restore"


@dataclass(frozen=True)
class BackupOutcome:
    """What `daily_backup` did: a new copy, today's copy already there, or nothing and why."""

    path: Path | None  # today's backup; None when skipped
    created: bool = False
    skipped: str | None = None  # a sentence saying why no backup was made
    removed: tuple[Path, ...] = ()  # older daily backups the rotation let go


def backups_folder(db_path: Path) -> Path:
    """`fieldnotes.db.backups/` next to `fieldnotes.db`: it moves, and is found, with the file."""
    return db_path.with_name(db_path.name + ".backups")


def daily_path(db_path: Path, day: dt.date) -> Path:
    return backups_folder(db_path) / f"{db_path.stem}-{day.isoformat()}.db"


def manual_path(db_path: Path, moment: dt.datetime) -> Path:
    base = backups_folder(db_path) / f"{db_path.stem}-{moment:%Y-%m-%d-%H%M%S}"
    candidate, n = base.with_name(base.name + ".db"), 2
    while candidate.exists():
        candidate, n = base.with_name(f"{base.name}-{n}.db"), n + 1
    return candidate


def _daily_pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(db_path.stem)}-(\d{{4}}-\d{{2}}-\d{{2}})\.db$")


def _manual_pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(db_path.stem)}-\d{{4}}-\d{{2}}-\d{{2}}-\d{{6}}(-\d+)?\.db$")


def backup_to(source: Store | Path, target: Path) -> Path:
    """A checked, complete copy of the database at `target`, made with SQLite's online backup API.

    Consistent while the app writes: the copy is one read transaction of the source.
    """
    source_path = source.path if isinstance(source, Store) else source
    try:
        if isinstance(source, Store) and not source.read_only:
            with source.raw_connection() as db:
                copy_database(db, target)
        else:
            _copy_file(source_path, target)
    except FieldnotesError:
        raise
    except sqlite3.Error as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code == SQLITE_FULL or nearly_full(target.parent):
            raise disk_full(target.parent) from exc
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            raise damaged(source_path) from exc
        raise translate_sqlite_error(exc, source_path) from exc
    except OSError as exc:
        raise translate_os_error(exc, target) from exc
    return target


def _copy_file(path: Path, target: Path) -> None:
    header = identity.read_header(path)
    uri = identity.read_only_uri(path, header)
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as db:
        copy_database(db, target)
    if "immutable=1" in uri and identity.wal_has_frames(path):
        # A writer opened the file while it was read without locks: its checkpoint may have
        # changed pages under the copy. Copied again, now under SQLite's locks.
        with contextlib.closing(
            sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        ) as db:
            copy_database(db, target)


def backup_now(store: Store, to: Path | None, moment: dt.datetime) -> Path:
    """`fieldnotes backup`: into the backups folder under a timestamped name, or to `to`."""
    if to is None:
        return backup_to(store, manual_path(store.path, moment.astimezone()))
    target = to / manual_path(store.path, moment.astimezone()).name if to.is_dir() else to
    _check_target(store.path, target)
    return backup_to(store, target)


def _check_target(db_path: Path, target: Path) -> None:
    if not target.exists():
        return
    if os.path.samefile(target, db_path):
        raise DatabaseError(f"{target} is the database itself; give another name for the backup.")
    try:
        state = inspect(target)
    except DatabaseError:
        state = None
    if state is None or state.kind is Kind.BLANK:
        raise DatabaseError(
            f"{target} exists and is not a Field Notes backup; choose another name so it is not overwritten."
        )


def daily_backup(store: Store, today: dt.date) -> BackupOutcome:
    """Today's backup, unless there is one; then the rotation (see `to_remove`)."""
    target = daily_path(store.path, today)
    folder = target.parent
    if target.exists():
        return BackupOutcome(target, created=False, removed=prune(store.path, today))
    size = sum(p.stat().st_size for p in (store.path, identity.sibling(store.path, "-wal")) if p.exists())
    free = free_space(folder if folder.exists() else store.path.parent)
    if free is not None and free < SPACE_FACTOR * size:
        return BackupOutcome(
            None,
            skipped=(
                f"Only {_megabytes(free)} are free on the disk holding {store.path}; today's backup "
                f"needs {_megabytes(SPACE_FACTOR * size)} and was skipped."
            ),
        )
    remove_partials(folder)
    backup_to(store, target)
    return BackupOutcome(target, created=True, removed=prune(store.path, today))


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def prune(db_path: Path, today: dt.date) -> tuple[Path, ...]:
    """Removes the daily backups the rotation lets go (see `to_remove`); returns them."""
    folder = backups_folder(db_path)
    pattern = _daily_pattern(db_path)
    dated: dict[dt.date, Path] = {}
    for path in folder.glob("*.db") if folder.is_dir() else ():
        match = pattern.match(path.name)
        if match:
            with contextlib.suppress(ValueError):
                dated[dt.date.fromisoformat(match.group(1))] = path
    removed = tuple(dated[day] for day in to_remove(dated))
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def to_remove(days: Iterable[dt.date]) -> list[dt.date]:
    """The rotation: keep the 7 newest daily backups and, of the older ones, the newest of
    each of the 4 most recent ISO weeks that have one; every other daily backup goes."""
    ordered = sorted(set(days), reverse=True)
    keep = set(ordered[:KEEP_DAILY])
    weeks: set[tuple[int, int]] = set()
    for day in ordered[KEEP_DAILY:]:
        week = day.isocalendar()[:2]
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.add(week)
            keep.add(day)
    return [day for day in ordered if day not in keep]


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Every backup of the database, newest first: the backups folder and the copies kept beside it."""
    found: list[tuple[Path, str]] = []
    folder = backups_folder(db_path)
    if folder.is_dir():
        daily, manual = _daily_pattern(db_path), _manual_pattern(db_path)
        for path in folder.iterdir():
            if daily.match(path.name):
                found.append((path, "daily"))
            elif manual.match(path.name):
                found.append((path, "manual"))
    for path in db_path.parent.glob(f"{_glob_escape(db_path.name)}.before-*.bak"):
        kind = "before-restore" if ".before-restore-" in path.name else "before-upgrade"
        found.append((path, kind))
    infos = []
    for path, kind in found:
        with contextlib.suppress(OSError):
            stat = path.stat()
            taken = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc)
            infos.append(BackupInfo(path, taken, stat.st_size, kind))
    return sorted(infos, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def restore_into(store: Store, backup: Path, moment: dt.datetime) -> Path:
    """Puts the content of `backup` into the open database and returns where the old content went.

    The current content is copied aside first. The backup is then copied INTO the live file
    with the backup API, in one write transaction, so connections already open (the app's)
    stay valid and see the restored entries at their next transaction; an older schema is
    then migrated.
    """
    if store.read_only:
        raise DatabaseError(f"{store.path} is open read-only; a restore needs it open for writing.")
    backup = Path(backup)
    if backup.exists() and store.path.exists() and os.path.samefile(backup, store.path):
        raise DatabaseError(f"{backup} is the database itself; choose one of its backups.")
    _check_backup(backup)
    aside = _aside_path(store.path, moment)
    backup_to(store, aside)
    header = identity.read_header(backup)
    uri = identity.read_only_uri(backup, header)
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as source:
            with store.raw_connection() as live:
                source.backup(live)
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, store.path) from exc
    upgrade_in_place(store)
    return aside


def _aside_path(db_path: Path, moment: dt.datetime) -> Path:
    stamp = moment.astimezone().strftime("%Y%m%d-%H%M%S")
    candidate, n = db_path.with_name(f"{db_path.name}.before-restore-{stamp}.bak"), 2
    while candidate.exists():  # a second restore in the same second must not replace the first's
        candidate, n = db_path.with_name(f"{db_path.name}.before-restore-{stamp}-{n}.bak"), n + 1
    return candidate


def _check_backup(backup: Path) -> None:
    if not backup.is_file():
        raise DatabaseError(f"There is no backup at {backup}; choose another file.")
    try:
        state = inspect(backup)
    except NewerDatabaseError as exc:
        raise DatabaseError(
            f"The backup {backup} was written by a newer version of Field Notes Desktop; "
            "update the app to restore it — nothing was changed."
        ) from exc
    except DatabaseError as exc:
        raise _not_a_backup(backup) from exc
    if state.kind is not Kind.OURS:
        raise _not_a_backup(backup)
    header = identity.read_header(backup)
    try:
        uri = identity.read_only_uri(backup, header)
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as db:
            report = quick_check(db)
    except sqlite3.Error:
        report = IntegrityReport(False)
    if not report.ok:
        raise DatabaseError(f"The backup {backup} is damaged; choose another one — nothing was changed.")


def _not_a_backup(backup: Path) -> DatabaseError:
    return DatabaseError(
        f"{backup} is not a Field Notes database (or it is damaged); choose one of its backups — "
        "nothing was changed."
    )
