"""Moving a desk: all of it copied into an empty database (a new file, or a server's), in one
transaction there, and checked table by table (rows and a hash of them) before it is kept.

What is copied is every table of the desk but the rendered-sections cache (store/desk_copy.py):
entries with their ids, uuids and versions, tags, revisions, assets, the site settings, the
personal dictionary and the daily word counts. What is this computer's alone (the publish
workshop, a theme override beside the file) stays where it is.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.config import location_of
from fieldnotes_desktop.errors import DatabaseError
from fieldnotes_desktop.location import Location, ServerDesk, shown
from fieldnotes_desktop.store import desk_copy
from fieldnotes_desktop.store.engine import open_store

if TYPE_CHECKING:
    from fieldnotes_desktop.store import Store

# (stage, table, rows done, rows in all): stage "copy" while rows are written, "check" while
# the copy's rows are read back to be compared.
Progress = Callable[[str, str, int, int], None]

# How the summary names a table's rows, in the order it lists them; a table not named here
# (one a later migration adds) is listed after them as "N rows of <table>". The links between
# entries and tags are part of the entries and tags the summary names.
_NAMES: dict[str, tuple[str, str]] = {
    "entries": ("entry", "entries"),
    "tags": ("tag", "tags"),
    "revisions": ("revision", "revisions"),
    "assets": ("asset", "assets"),
    "site": ("site settings", "site settings"),
    "personal_words": ("personal word", "personal words"),
    "daily_words": ("day of word counts", "days of word counts"),
}
_UNNAMED = frozenset({"entry_tags"})
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class TableCopy:
    """One table: as read from the desk, and as read back from the copy."""

    table: str
    rows: int
    sha256: str
    copied_rows: int
    copied_sha256: str
    data_bytes: int  # of its binary columns: the assets' data

    @property
    def matches(self) -> bool:
        return self.rows == self.copied_rows and self.sha256 == self.copied_sha256

    def difference(self) -> str:
        if self.rows != self.copied_rows:
            return f"{self.table} ({self.rows:,} rows in the desk, {self.copied_rows:,} in the copy)"
        return f"{self.table} (the same {self.rows:,} rows, but their contents differ)"

    def as_json(self) -> dict[str, object]:
        return {
            "table": self.table,
            "rows": self.rows,
            "sha256": self.sha256,
            "copied_rows": self.copied_rows,
            "copied_sha256": self.copied_sha256,
            "bytes": self.data_bytes,
            "matches": self.matches,
        }


@dataclass(frozen=True)
class CopyReport:
    """What a copy did. A copy whose check failed was not kept: the target is as it was."""

    source: str  # both as the writer reads them: never a password
    target: str
    tables: tuple[TableCopy, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(t.matches for t in self.tables)

    def rows(self, table: str) -> int:
        return next((t.rows for t in self.tables if t.table == table), 0)

    def summary(self) -> str:
        if not self.ok:
            differing = "; ".join(t.difference() for t in self.tables if not t.matches)
            return (
                f"The copy at {self.target} did not match the desk: {differing}; nothing was kept, "
                f"so {self.target} is as it was — run the copy again, and if it differs again, "
                "run `fieldnotes doctor` on the desk."
            )
        parts = [self._counted(t) for t in self._in_order() if t.rows or t.table == "entries"]
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        return f"Copied {listed} to {self.target}; every count and hash matches."

    def _in_order(self) -> list[TableCopy]:
        named = [t for name in _NAMES for t in self.tables if t.table == name]
        others = [t for t in self.tables if t.table not in _NAMES and t.table not in _UNNAMED]
        return named + others

    @staticmethod
    def _counted(table: TableCopy) -> str:
        if table.table == "site":
            return "site settings"
        text = _rows_of(table.table, table.rows)
        if table.data_bytes:
            from fieldnotes_desktop.services.site_publish import size_text

            text += f" ({size_text(table.data_bytes)})"
        return text

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "ok": self.ok,
            "kept": self.ok,
            "seconds": round(self.seconds, 3),
            "tables": [t.as_json() for t in self.tables],
            "summary": self.summary(),
        }


class _Mismatch(Exception):
    """Raised inside the copy's transaction to roll it back, carrying the report of why."""

    def __init__(self, report: CopyReport) -> None:
        super().__init__(report.summary())
        self.report = report


class DeskCopyService:
    """Copies the desk of `store` into another, empty database."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def copy_to(self, to: Location | str, progress: Progress | None = None) -> CopyReport:
        """Copies everything into the database at `to`, which must hold no desk yet (a missing
        file is created); keeps the copy only when every table's rows and hash match the desk's.

        On any failure, and on a mismatch, the target is left as it was (a file this call
        created is removed); a database on a server keeps the empty desk's tables it was given.
        """
        started = time.monotonic()
        target = location_of(to)
        if _same_desk(self._store.location, target):
            raise DatabaseError(
                f"--to names the desk being copied ({shown(target)}); copy it into an empty database or a new file."
            )
        new_file = isinstance(target, Path) and not target.exists()
        _refuse_unless_empty(target, desk_copy.look(target))
        try:
            opened = open_store(target, create=True)
        except BaseException:
            _remove_if_new(target, new_file)
            raise
        try:
            report = self._fill(opened, progress, started)
        except BaseException:
            opened.close()
            _remove_if_new(target, new_file)
            raise
        opened.close()
        if not report.ok:
            _remove_if_new(target, new_file)
        return report

    def _fill(self, target: Store, progress: Progress | None, started: float) -> CopyReport:
        names = [model.name for model in desk_copy.copied_tables()]
        source = self._store
        doing = ""  # the table being copied or checked, for the sentence of a failure
        read: dict[str, desk_copy.Tally] = {}
        back: dict[str, desk_copy.Tally] = {}
        try:
            with source.snapshot() as reading, target.transaction() as writing:
                desk_copy.keep_others_out(writing)
                _refuse_unless_empty(target.location, desk_copy.holdings(writing))  # another writer's, since the look
                desk_copy.clear_settings(writing)
                with source.errors_translated():
                    totals = {name: desk_copy.count_rows(reading, name) for name in names}
                for name in names:
                    doing = f"copying {name}"
                    read[name] = desk_copy.copy_rows(
                        reading, writing, name, _reporter(progress, "copy", name, totals[name]),
                        read_errors=source.errors_translated,
                    )
                for name in names:
                    doing = f"checking {name}"
                    back[name] = desk_copy.tally(writing, name, _reporter(progress, "check", name, read[name].rows))
                report = _report(source, target, names, read, back)
                if not report.ok:
                    raise _Mismatch(report)
                doing = "moving the id sequences"
                desk_copy.reset_sequences(writing)
        except _Mismatch as mismatch:
            report = mismatch.report
        except DatabaseError as exc:
            if not doing:
                raise
            raise DatabaseError(
                f"Nothing was copied to {target.where}: {doing} failed ({exc.message.rstrip('.')})."
            ) from exc
        return dataclasses.replace(report, seconds=time.monotonic() - started)


def _report(source: Store, target: Store, names: list[str], read: dict[str, desk_copy.Tally],
            back: dict[str, desk_copy.Tally]) -> CopyReport:
    tables = tuple(
        TableCopy(name, read[name].rows, read[name].sha256, back[name].rows, back[name].sha256, read[name].data_bytes)
        for name in names
    )
    return CopyReport(source=source.where, target=target.where, tables=tables, seconds=0.0)


def _rows_of(table: str, rows: int) -> str:
    """`1,234 entries`, `1 tag`, `3 rows of notes` (a table the summary does not name)."""
    if table not in _NAMES:
        return f"{rows:,} rows of {table}"
    one, many = _NAMES[table]
    return f"{rows:,} {one if rows == 1 else many}"


def _reporter(progress: Progress | None, stage: str, table: str, total: int) -> desk_copy.RowsDone | None:
    if progress is None:
        return None
    return lambda done: progress(stage, table, done, total)


def _refuse_unless_empty(target: Location, held: dict[str, int]) -> None:
    if not any(held.values()):
        return
    entries = held.get("entries", 0)
    if entries:
        what = f"{entries:,} {'entry' if entries == 1 else 'entries'}"
    else:
        found = ["its own site settings" if name == "site" else _rows_of(name, rows) for name, rows in held.items() if rows]
        what = "no entries, but " + ", ".join(found)
    raise DatabaseError(
        f"{shown(target)} already holds a desk ({what}); copy into an empty database or a new file."
    )


def _same_desk(a: Location, b: Location) -> bool:
    if isinstance(a, ServerDesk) and isinstance(b, ServerDesk):
        return (_host(a.host), a.port, a.database) == (_host(b.host), b.port, b.database)
    if isinstance(a, Path) and isinstance(b, Path):
        if a.resolve() == b.resolve():
            return True
        try:
            return a.exists() and b.exists() and os.path.samefile(a, b)
        except OSError:
            return False
    return False


def _host(host: str) -> str:
    host = host.lower()
    return "localhost" if host in _LOOPBACK else host


def _remove_if_new(target: Location, new_file: bool) -> None:
    if new_file and isinstance(target, Path):
        desk_copy.remove_file(target)
