"""A site folder's own records: the manifest of what the last export wrote, and replaying the journal of one cut short.

See export/writer.py for the order in which an export stages, journals and applies its files.

Both are SQLite files of one schema, read and written a row at a time (store/site_records.py):
the journal is the new manifest with two more tables, the renames and removals that put it
in place; applied, it becomes the manifest by one rename.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from fieldnotes_desktop.export.disk import (
    TEMP_NAME,
    folder_lock,
    fsync_dir,
    fsync_file,
    make_dirs,
    read_json,
    sync_filesystem,
)
from fieldnotes_desktop.store import site_records as records
from fieldnotes_desktop.store.site_records import Records

STATE_DIR = ".fieldnotes"
MANIFEST_NAME = "manifest.db"
STAGING_NAME = "staging"
JOURNAL_NAME = "journal.db"  # in the staging folder, under this name once it is complete
LOCK_NAME = "lock"
LEGACY_MANIFEST_NAME, LEGACY_JOURNAL_NAME = "site.json", "journal.json"  # format 1
# Never descended into when looking for leftovers: other tools' folders, and our own.
_FOREIGN_DIRS = frozenset({".git", ".hg", ".svn", STATE_DIR, "node_modules"})

class Manifest:
    """What the last export wrote into a folder; everything else there belongs to someone else."""

    def __init__(self, db: sqlite3.Connection | None = None) -> None:
        self.db = db  # None: a folder never exported to (store/site_records.py reads the others)
        self.files = Records(db, "pages", "path", "sha256")  # site path → sha256 of its bytes
        self.inputs = Records(db, "pages", "path", "inputs")
        self.excerpts = Records(db, "pages", "path", "excerpt")
        self.entries = Records(db, "entries", "uuid", "path")  # entry uuid → its page's site path
        self.redirects = Records(db, "redirects", "path", "uuid")  # redirect page → entry uuid

    def page(self, path: str) -> tuple[str, str | None, str] | None:
        """The sha256, inputs and excerpt recorded for `path`, or None when the export did not write it."""
        return None if self.db is None else records.page(self.db, path)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def read_manifest(root: Path) -> Manifest:
    """What the last completed export wrote into `root` (empty for a folder never exported to)."""
    state = root / STATE_DIR
    db = records.open_records(state / MANIFEST_NAME)
    if db is None and (state / LEGACY_MANIFEST_NAME).is_file():  # read once, for a folder not exported since
        db = records.new_records(":memory:", read_json(state / LEGACY_MANIFEST_NAME))
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
    db = records.open_records(staging / JOURNAL_NAME)
    if db is None:  # torn, or not ours: what it promised cannot be known, so nothing is done
        return
    with contextlib.closing(db):
        renames, removals = records.moves(db)
        touched = _rename_and_remove(root, ((staged_name(seq), path) for seq, path in renames), removals)
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
    folders: set[str] = set()  # folders on the way found real (no symlink) during this replay
    for temp, target in renames:
        destination = _inside(root, str(target), folders)
        if destination is None:
            continue  # a journal we did not write: ignored
        source = os.path.join(staging, temp)
        try:
            _replace(source, destination)
        except FileNotFoundError:
            if not os.path.lexists(source):
                continue  # moved by an earlier replay
            make_dirs(destination.parent)  # a new page's folder: made only once the rename needs it
            try:
                _replace(source, destination)
            except IsADirectoryError:
                continue
        except IsADirectoryError:
            continue  # a folder appeared there since staging: it is someone's, so it stays
        touched = True
    for path in removals:
        victim = _inside(root, str(path), folders)
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


def _upgrade_legacy_manifest(state: Path, *, durable: bool) -> None:
    """Rewrites a format-1 `site.json` as the manifest of this format, once.

    Both are there when a kill came between placing the new manifest and removing the old one,
    or when an earlier version exported into the folder since: the newer of the two counts.
    """
    legacy, current = state / LEGACY_MANIFEST_NAME, state / MANIFEST_NAME
    if not legacy.is_file():
        return
    if not current.is_file() or legacy.stat().st_mtime_ns > current.stat().st_mtime_ns:
        _place_manifest(state, read_json(legacy), durable=durable)
    legacy.unlink()


def _apply_legacy_journal(root: Path, *, durable: bool) -> bool:
    """Replays a format-1 journal left by an export of an earlier version cut short."""
    state = root / STATE_DIR
    journal = read_json(state / STAGING_NAME / LEGACY_JOURNAL_NAME)
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
    records.new_records(fresh, legacy).close()
    if durable:
        fsync_file(fresh)
    os.replace(fresh, state / MANIFEST_NAME)
    if durable:
        fsync_dir(state)


# -- paths -------------------------------------------------------------------------------------


def _replace(source: str, destination: Path) -> None:
    os.replace(source, destination)
    os.chmod(destination, 0o644)


def _inside(root: Path, relative: str, folders: set[str]) -> Path | None:
    """Where `relative` is in the site, or None when it would lead out of it (`..`, a symlink).

    Only the folders below the root are looked at, and only until one is missing (the replay
    makes it, a real folder): a fresh export's page costs one `lstat`, where resolving its
    folder cost one per level from `/` down. `folders` remembers those found real already.
    """
    parts = [p for p in PurePosixPath(relative).parts if p not in ("", ".")]
    if not parts or ".." in parts or parts[0] == STATE_DIR or PurePosixPath(relative).is_absolute():
        return None
    path = root.joinpath(*parts)
    here = str(root)
    for part in parts[:-1]:
        here = os.path.join(here, part)
        if here in folders:
            continue
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            break
        if stat.S_ISLNK(mode):
            return path if path.parent.resolve().is_relative_to(root) else None
        folders.add(here)
    return path


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
