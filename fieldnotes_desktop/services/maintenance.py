"""Looking after the database file: integrity checks, backups (daily, on demand), restore and doctor."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.services.clock import Clock, utc_now
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import backup as backups
from fieldnotes_desktop.store import doctor
from fieldnotes_desktop.store import identity
from fieldnotes_desktop.store.backup import BackupInfo, BackupOutcome, backups_folder
from fieldnotes_desktop.store.doctor import IntegrityReport, SearchIndexReport
from fieldnotes_desktop.store.engine import BUSY_TIMEOUT_MS

__all__ = [
    "BackupInfo",
    "BackupOutcome",
    "DoctorReport",
    "IntegrityReport",
    "MaintenanceService",
    "SearchIndexReport",
]


@dataclass(frozen=True)
class DoctorReport:
    """What `doctor` found (after repairing, when asked to) and what it repaired."""

    database: str  # the file's path, or the server desk's address
    integrity: IntegrityReport
    foreign_keys: tuple[str, ...]  # sentences such as "2 rows of revisions point to missing entries"
    search_index: SearchIndexReport | None  # None when damaged pages kept it from being checked
    repaired: tuple[str, ...] = ()  # sentences such as "search index: 3 entries were missing; rebuilt"

    @property
    def ok(self) -> bool:
        return self.integrity.ok and not self.foreign_keys and self.search_index is not None and self.search_index.ok

    @property
    def problems(self) -> tuple[str, ...]:
        found = [f"damaged: {p}" for p in self.integrity.problems]
        if not self.integrity.ok and not self.integrity.problems:
            found.append("damaged: the integrity check failed")
        found += [f"links: {p}" for p in self.foreign_keys]
        if self.search_index is None:
            found.append("search index: not checked, because the file is damaged")
        elif not self.search_index.ok:
            found.append(f"search index: {self.search_index.summary()}")
        return tuple(found)


class MaintenanceService:
    """Every method works on the whole file; the app runs them on its database lane."""

    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock

    def quick_check(self) -> IntegrityReport:
        """`PRAGMA quick_check`, for the check the app runs in the background after opening.

        A server checks its own pages; asked of a server desk, this only sees that it answers."""
        if self._store.on_server:
            self._store.ping()
            return IntegrityReport(True)
        with self._store.raw_connection() as db:
            return doctor.quick_check(db)

    def backup(self, to: Path | None = None) -> Path:
        """A backup now: into the backups folder with a timestamped name, or to `to` (a file or folder).

        A server desk's backup is a desk file on this computer, made by `copy` and checked by it."""
        if self._store.on_server:
            moment = self._clock().astimezone()
            default = backups.manual_path(self._store.path, moment)
            target = default if to is None else (to / default.name if to.is_dir() else to)
            return self._file_copy(target)
        return backups.backup_now(self._store, to, self._clock())

    def _file_copy(self, target: Path) -> Path:
        """The server desk copied into a new desk file at `target` (written aside, then renamed)."""
        from fieldnotes_desktop.services.desk_copy import DeskCopyService

        if target.exists():
            raise DatabaseError(f"{target} exists already; choose another name so it is not overwritten.")
        target.parent.mkdir(parents=True, exist_ok=True)
        aside = target.with_name(target.name + ".partial")
        aside.unlink(missing_ok=True)
        report = DeskCopyService(self._store).copy_to(aside)
        if not report.ok:
            aside.unlink(missing_ok=True)
            raise DatabaseError(report.summary())
        os.replace(aside, target)
        return target

    def daily_backup(self, today: dt.date | None = None) -> BackupOutcome:
        """Today's backup if there is none yet, then the rotation (7 daily, 4 weekly)."""
        day = today if today is not None else self._clock().astimezone().date()
        if self._store.on_server:
            # The server keeps the desk; this computer keeps a file copy of it a day as well, so a
            # server lost with its backups still leaves every writer's last day on their own disk.
            target = backups.daily_path(self._store.path, day)
            if target.exists():
                return BackupOutcome(target, created=False, removed=backups.prune(self._store.path, day))
            self._file_copy(target)
            return BackupOutcome(target, created=True, removed=backups.prune(self._store.path, day))
        return backups.daily_backup(self._store, day)

    def backups(self) -> list[BackupInfo]:
        """Every backup of this database, newest first."""
        return backups.list_backups(self._store.path)

    def backups_folder(self) -> Path:
        return backups_folder(self._store.path)

    def restore(self, path: Path) -> Path:
        """Replaces the content of the database with the backup at `path`; returns where the old content went."""
        return backups.restore_into(self._store, Path(path), self._clock())

    def doctor(self, repair: bool = False) -> DoctorReport:
        """Integrity, links and search index; with `repair`, the safe repairs in one transaction."""
        if repair and self._store.read_only:
            raise ValueError("doctor(repair=True) needs a store opened for writing")
        if self._store.on_server:
            return self._server_doctor()
        with self._store.raw_connection() as db:
            integrity = doctor.integrity_check(db)
        if not integrity.ok:
            # Reading a damaged file further only multiplies the errors; a backup is the cure.
            return DoctorReport(self._store.where, integrity, (), None)
        repaired: tuple[str, ...] = ()
        if repair:
            with self._store.raw_transaction() as db:
                repaired = doctor.repair(db)
        with self._store.raw_connection() as db:
            foreign_keys = doctor.foreign_key_problems(db)
        with self._store.errors_translated():
            header = identity.read_header(self._store.path)
            uri = identity.read_only_uri(self._store.path, header)
            search = doctor.check_search_index_of(uri, BUSY_TIMEOUT_MS / 1000)
        return DoctorReport(self._store.where, integrity, foreign_keys, search, repaired)

    def _server_doctor(self) -> DoctorReport:
        """The server keeps its pages whole and its foreign keys enforced, and the search column
        is computed by the database itself; what is left to ask is that the column agrees."""
        from fieldnotes_desktop.store.server_search import drifted

        with self._store.snapshot() as session:
            differing = drifted(session)
        search = SearchIndexReport(ok=not differing, differing=differing)
        return DoctorReport(self._store.where, IntegrityReport(True), (), search)
