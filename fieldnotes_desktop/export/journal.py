"""A site folder's own records: the manifest of what the last export wrote, and replaying the journal of one cut short.

See export/writer.py for the order in which an export stages, journals and applies its files.

Both are SQLite files, read and written a row at a time: a site of 100,000 pages has a manifest
of a few tens of megabytes, which held as dictionaries (the JSON manifest of format 1, read
whole and written whole) weighed more than the rest of the export. The journal is the new
manifest with two more tables, the renames and removals that put it in place; applied, it
becomes the manifest by one rename.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from fieldnotes_desktop.export.disk import TEMP_NAME, folder_lock, fsync_dir, make_dirs, sync_filesystem

STATE_DIR = ".fieldnotes"
MANIFEST_NAME = "manifest.db"
STAGING_NAME = "staging"
JOURNAL_NAME = "journal.db"  # in the staging folder, under this name once it is complete
LOCK_NAME = "lock"
FORMAT = 2  # the records' `user_version`; format 1 was `site.json` and `journal.json`
LEGACY_MANIFEST_NAME, LEGACY_JOURNAL_NAME = "site.json", "journal.json"
# Never descended into when looking for leftovers: other tools' folders, and our own.
_FOREIGN_DIRS = frozenset({".git", ".hg", ".svn", STATE_DIR, "node_modules"})

SCHEMA = f"""
CREATE TABLE pages (
    path TEXT PRIMARY KEY,  -- site path of a file the export wrote
    sha256 TEXT NOT NULL,  -- of its bytes
    inputs TEXT,  -- digest of everything the page was made from, when a later export may keep it
    excerpt TEXT NOT NULL DEFAULT ''  -- the kept page's excerpt, which still feeds the lists
) WITHOUT ROWID;
CREATE TABLE entries (uuid TEXT PRIMARY KEY, path TEXT NOT NULL) WITHOUT ROWID;  -- entry → its page
CREATE TABLE redirects (path TEXT PRIMARY KEY, uuid TEXT NOT NULL) WITHOUT ROWID;  -- old address → entry
-- The journal's own: staged file `seq` goes to `path`; `removals` leave the site.
CREATE TABLE renames (seq INTEGER PRIMARY KEY, path TEXT NOT NULL);
CREATE TABLE removals (path TEXT PRIMARY KEY) WITHOUT ROWID;
PRAGMA user_version = {FORMAT};
"""


class Records(Mapping[str, str]):
    """One column of a manifest table by its key, read from the file as it is asked for."""

    def __init__(self, db: sqlite3.Connection | None, table: str, key: str, value: str) -> None:
        self._db, self._table, self._key, self._value = db, table, key, value

    def __getitem__(self, key: str) -> str:
        row = None if self._db is None else self._db.execute(
            f"SELECT {self._value} FROM {self._table} WHERE {self._key} = ? AND {self._value} IS NOT NULL", (key,)
        ).fetchone()
        if row is None or (self._value == "excerpt" and not row[0]):
            raise KeyError(key)
        return str(row[0])

    def __iter__(self) -> Iterator[str]:
        return (key for key, _value in self.items())

    def items(self) -> Iterator[tuple[str, str]]:  # type: ignore[override]  # a stream, not a view
        if self._db is None:
            return iter(())
        blank = " AND excerpt != ''" if self._value == "excerpt" else ""
        rows = self._db.execute(
            f"SELECT {self._key}, {self._value} FROM {self._table} WHERE {self._value} IS NOT NULL{blank} ORDER BY 1"
        )
        return ((str(k), str(v)) for k, v in rows)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Manifest:
    """What the last export wrote into a folder; everything else there belongs to someone else."""

    def __init__(self, db: sqlite3.Connection | None = None) -> None:
        self.db = db  # None: a folder never exported to
        self.files = Records(db, "pages", "path", "sha256")  # site path → sha256 of its bytes
        self.inputs = Records(db, "pages", "path", "inputs")
        self.excerpts = Records(db, "pages", "path", "excerpt")
        self.entries = Records(db, "entries", "uuid", "path")  # entry uuid → its page's site path
        self.redirects = Records(db, "redirects", "path", "uuid")  # redirect page → entry uuid

    def page(self, path: str) -> tuple[str, str | None, str] | None:
        """The sha256, inputs and excerpt recorded for `path`, or None when the export did not write it."""
        if self.db is None:
            return None
        row = self.db.execute("SELECT sha256, inputs, excerpt FROM pages WHERE path = ?", (path,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def open_records(path: Path) -> sqlite3.Connection | None:
    """A connection to a manifest or journal of this format, or None for a missing or foreign file."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(path, isolation_level=None)
        if db.execute("PRAGMA user_version").fetchone() == (FORMAT,):
            return db
        db.close()
    except sqlite3.Error:
        pass  # torn or not ours: as if it were not there
    return None


def read_manifest(root: Path) -> Manifest:
    """What the last completed export wrote into `root` (empty for a folder never exported to)."""
    state = root / STATE_DIR
    db = open_records(state / MANIFEST_NAME)
    if db is None and (state / LEGACY_MANIFEST_NAME).is_file():
        db = sqlite3.connect(":memory:", isolation_level=None)  # read once, for a folder not exported since
        db.executescript(SCHEMA)
        _fill_from_legacy(db, _read_json(state / LEGACY_MANIFEST_NAME))
    return Manifest(db)


def recover(root: Path, *, durable: bool = True, locked: bool = False) -> bool:
    """Finishes an export of `root` that was interrupted after its journal was written.

    An export stopped earlier left only staged files, which are removed. Temporary files of the
    previous writer are removed wherever they were left, and a manifest of format 1 becomes one
    of this format. True when a journal was replayed.
    """
    root = root.resolve()
    state = root / STATE_DIR
    if not state.is_dir():
        _remove_legacy_temps(root)
        return False
    lock = None if locked else folder_lock(state / LOCK_NAME, root)
    try:
        staging = state / STAGING_NAME
        replayed = False
        if (staging / JOURNAL_NAME).is_file():
            apply_journal(root, durable=durable)
            replayed = True
        elif (staging / LEGACY_JOURNAL_NAME).is_file():
            replayed = _apply_legacy_journal(root, durable=durable)
        shutil.rmtree(staging, ignore_errors=True)
        _upgrade_legacy_manifest(state, durable=durable)
        _remove_legacy_temps(root)
        return replayed
    finally:
        if lock is not None:
            lock.close()


# -- the journal -----------------------------------------------------------------------------


def apply_journal(root: Path, *, durable: bool) -> None:
    """Replays the staging folder's journal; every step may already have happened, so each one checks first."""
    state = root / STATE_DIR
    staging = state / STAGING_NAME
    db = open_records(staging / JOURNAL_NAME)
    if db is None:  # torn, or not ours: what it promised cannot be known, so nothing is done
        return
    with contextlib.closing(db):
        renames = ((staged_name(seq), path) for seq, path in db.execute("SELECT seq, path FROM renames ORDER BY seq"))
        touched = _rename_and_remove(root, renames, (path for (path,) in db.execute("SELECT path FROM removals")))
    if durable and touched:
        sync_filesystem(root)  # the renames are on disk before the journal that promises them goes
    # The journal holds the new manifest: put in place, it is the manifest, and the journal is gone.
    os.replace(staging / JOURNAL_NAME, state / MANIFEST_NAME)
    if durable:
        fsync_dir(state)
    (state / LEGACY_MANIFEST_NAME).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def _rename_and_remove(root: Path, renames: Iterator[tuple[str, str]], removals: Iterator[str]) -> bool:
    staging = root / STATE_DIR / STAGING_NAME
    touched = False
    for temp, target in renames:
        source = staging / temp
        destination = _inside(root, str(target))
        if destination is None or not source.exists():
            continue  # moved by an earlier replay (or a journal we did not write: ignored)
        make_dirs(destination.parent)
        if destination.is_dir() and not destination.is_symlink():
            continue  # a folder appeared there since staging: it is someone's, so it stays
        os.replace(source, destination)
        os.chmod(destination, 0o644)
        touched = True
    for path in removals:
        victim = _inside(root, str(path))
        if victim is None:
            continue
        if victim.is_file() or victim.is_symlink():
            victim.unlink()
        touched = True
        _remove_empty_folders(victim.parent, root)
    return touched


def staged_name(index: int) -> str:
    """The staging folder's name for the `index`-th staged file."""
    return f"{index:06d}"


# -- format 1 ----------------------------------------------------------------------------------


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing, or torn by a kill before its rename: as if it were not there


def _fill_from_legacy(db: sqlite3.Connection, data: object) -> None:
    """A format-1 manifest's records into a database of this format's schema."""
    if not isinstance(data, dict) or data.get("format") != 1:
        return

    def strings(name: str) -> dict[str, str]:
        value = data.get(name)
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    inputs, excerpts = strings("inputs"), strings("excerpts")
    with db:
        db.executemany(
            "INSERT INTO pages VALUES (?, ?, ?, ?)",
            ((p, sha, inputs.get(p), excerpts.get(p, "")) for p, sha in strings("files").items()),
        )
        db.executemany("INSERT INTO entries VALUES (?, ?)", strings("entries").items())
        db.executemany("INSERT INTO redirects VALUES (?, ?)", strings("redirects").items())


def _upgrade_legacy_manifest(state: Path, *, durable: bool) -> None:
    """Rewrites a format-1 `site.json` as the manifest of this format, once.

    Both are there when a kill came between placing the new manifest and removing the old one,
    or when an earlier version exported into the folder since: the newer of the two counts.
    """
    legacy, current = state / LEGACY_MANIFEST_NAME, state / MANIFEST_NAME
    if not legacy.is_file():
        return
    if not current.is_file() or legacy.stat().st_mtime_ns > current.stat().st_mtime_ns:
        _place_manifest(state, _read_json(legacy), durable=durable)
    legacy.unlink()


def _apply_legacy_journal(root: Path, *, durable: bool) -> bool:
    """Replays a format-1 journal left by an export of an earlier version cut short."""
    state = root / STATE_DIR
    journal = _read_json(state / STAGING_NAME / LEGACY_JOURNAL_NAME)
    if not isinstance(journal, dict) or journal.get("format") != 1:
        return False
    renames = ((str(temp), str(target)) for temp, target in journal.get("renames", []))
    touched = _rename_and_remove(root, renames, (str(p) for p in journal.get("removals", [])))
    if durable and touched:
        sync_filesystem(root)
    _place_manifest(state, journal.get("manifest"), durable=durable)
    (state / LEGACY_MANIFEST_NAME).unlink(missing_ok=True)
    return True


def _place_manifest(state: Path, legacy: object, *, durable: bool) -> None:
    """Writes the records of a format-1 manifest as the folder's manifest."""
    fresh = state / (MANIFEST_NAME + ".new")
    fresh.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(fresh, isolation_level=None)) as db:
        db.executescript(SCHEMA)
        _fill_from_legacy(db, legacy)
    if durable:
        _fsync_file(fresh)
    os.replace(fresh, state / MANIFEST_NAME)
    if durable:
        fsync_dir(state)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- paths -------------------------------------------------------------------------------------


def _inside(root: Path, relative: str) -> Path | None:
    parts = [p for p in PurePosixPath(relative).parts if p not in ("", ".")]
    if not parts or ".." in parts or parts[0] == STATE_DIR or PurePosixPath(relative).is_absolute():
        return None
    path = root.joinpath(*parts)
    return path if path.parent.resolve().is_relative_to(root) else None


def _remove_empty_folders(folder: Path, root: Path) -> None:
    """Folders left empty by a removed page go too (an entry's `slug/`), up to the site's root."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (someone else's file, another page): it stays
        folder = folder.parent


def _remove_legacy_temps(root: Path) -> None:
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _FOREIGN_DIRS]
        for name in names:
            if TEMP_NAME.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))
