"""A site folder's own records: the manifest of what the last export wrote, and replaying the journal of one cut short.

See export/writer.py for the order in which an export stages, journals and applies its files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from fieldnotes_desktop.export.disk import (
    TEMP_NAME,
    folder_lock,
    make_dirs,
    read_json,
    str_map,
    sync_filesystem,
    write_json,
)

STATE_DIR = ".fieldnotes"
MANIFEST_NAME = "site.json"
STAGING_NAME = "staging"
JOURNAL_NAME = "journal.json"
LOCK_NAME = "lock"
FORMAT = 1
# Never descended into when looking for leftovers: other tools' folders, and our own.
_FOREIGN_DIRS = frozenset({".git", ".hg", ".svn", STATE_DIR, "node_modules"})


@dataclass(frozen=True)
class Manifest:
    """What the last export wrote into a folder; everything else there belongs to someone else."""

    files: Mapping[str, str] = field(default_factory=dict)  # site path → sha256 of its bytes
    entries: Mapping[str, str] = field(default_factory=dict)  # entry uuid → its page's site path
    redirects: Mapping[str, str] = field(default_factory=dict)  # redirect page's path → entry uuid
    # Site path → digest of everything its page was made from, and the page's excerpt: a later
    # export that finds the same inputs (and the same bytes on disk) keeps the page unbuilt.
    inputs: Mapping[str, str] = field(default_factory=dict)
    excerpts: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "files": dict(sorted(self.files.items())),
            "entries": dict(sorted(self.entries.items())),
            "redirects": dict(sorted(self.redirects.items())),
            "inputs": dict(sorted(self.inputs.items())),
            "excerpts": dict(sorted(self.excerpts.items())),
        }

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls()
        return cls(
            files=str_map(data.get("files")),
            entries=str_map(data.get("entries")),
            redirects=str_map(data.get("redirects")),
            inputs=str_map(data.get("inputs")),
            excerpts=str_map(data.get("excerpts")),
        )


def recover(root: Path, *, durable: bool = True, locked: bool = False) -> bool:
    """Finishes an export of `root` that was interrupted after its journal was written.

    An export stopped earlier left only staged files, which are removed. Temporary files of the
    previous writer are removed wherever they were left. True when a journal was replayed.
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
        journal = read_json(staging / JOURNAL_NAME)
        if isinstance(journal, dict) and journal.get("format") == FORMAT:
            apply_journal(root, journal, durable=durable)
            replayed = True
        shutil.rmtree(staging, ignore_errors=True)
        _remove_legacy_temps(root)
        return replayed
    finally:
        if lock is not None:
            lock.close()


def read_manifest(root: Path) -> Manifest:
    """What the last completed export wrote into `root` (empty for a folder never exported to)."""
    return Manifest.from_json(read_json(root / STATE_DIR / MANIFEST_NAME))


# -- the journal -----------------------------------------------------------------------------


class FreshJournal(dict[str, Any]):
    """A journal this process has just made, its manifest already as `Manifest.to_json` gives it:
    applied, that is written as it is, where one read back from disk is rebuilt first (a copy of
    every page's records, twice over)."""


def apply_journal(root: Path, journal: Mapping[str, Any], *, durable: bool) -> None:
    """Replays a journal; every step may already have happened, so each one checks first."""
    staging = root / STATE_DIR / STAGING_NAME
    touched = False
    for temp, target in journal.get("renames", []):
        source = staging / str(temp)
        destination = _inside(root, str(target))
        if destination is None or not source.exists():
            continue  # moved by an earlier replay (or a journal we did not write: ignored)
        make_dirs(destination.parent)
        if destination.is_dir() and not destination.is_symlink():
            continue  # a folder appeared there since staging: it is someone's, so it stays
        os.replace(source, destination)
        os.chmod(destination, 0o644)
        touched = True
    for path in journal.get("removals", []):
        victim = _inside(root, str(path))
        if victim is None:
            continue
        if victim.is_file() or victim.is_symlink():
            victim.unlink()
        touched = True
        _remove_empty_folders(victim.parent, root)
    manifest = journal.get("manifest")
    if not isinstance(journal, FreshJournal):
        manifest = Manifest.from_json(manifest).to_json()
    write_json(root / STATE_DIR / MANIFEST_NAME, manifest, durable=durable)
    if durable and touched:
        sync_filesystem(root)  # the renames are on disk before the journal that promises them goes
    (staging / JOURNAL_NAME).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


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


