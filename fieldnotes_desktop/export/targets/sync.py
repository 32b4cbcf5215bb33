"""Sends a built site to a target: what changed only, in an order a reader can follow, resumable.

The order: assets, then entry pages (and redirects), then archives, then the index, feed and
sitemap, so a page never links to one not yet there. Removals come last, once nothing links
to the pages removed. The target's record claims every file about to be sent before the first
byte goes (with no hash), so a publish killed at any moment leaves files the next one knows as
its own: it sends them again, or removes them, and the target converges.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fieldnotes_desktop.errors import PublishCancelled, PublishFailed
from fieldnotes_desktop.export.targets.base import Connection
from fieldnotes_desktop.export.targets.manifest import RemoteManifest, write_remote_manifest

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

_ARCHIVES = ("category/", "tag/", "now/")
_LAST = ("index.html", "feed.xml", "sitemap.xml", "robots.txt")
CHECKPOINT_SECONDS = 5.0  # how often a long publish records what has landed, to resume near there


@dataclass(frozen=True)
class Upload:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PublishPlan:
    uploads: tuple[Upload, ...]  # in the order they are sent
    deletions: tuple[str, ...]
    unchanged: int
    # files to send that are at the target already but were not published there by this desk
    foreign: tuple[str, ...] = ()

    @property
    def bytes(self) -> int:
        return sum(u.size for u in self.uploads)

    @property
    def empty(self) -> bool:
        return not self.uploads and not self.deletions


@dataclass(frozen=True)
class SyncResult:
    uploaded: int
    deleted: int
    unchanged: int
    bytes_sent: int


def stage(path: str) -> int:
    """0 assets, 1 entry pages and everything else, 2 archives, 3 the index, feed and sitemap."""
    if path.startswith("assets/"):
        return 0
    if path in _LAST:
        return 3
    if path.startswith(_ARCHIVES):
        return 2
    return 1


def make_plan(built: Mapping[str, str], size_of: Callable[[str], int], published: RemoteManifest) -> PublishPlan:
    """`built`: the site's files (path → sha256); `published`: the target's record."""
    before = published.files
    changed = [p for p, digest in built.items() if before.get(p) != digest]
    uploads = tuple(Upload(p, built[p], size_of(p)) for p in sorted(changed, key=lambda p: (stage(p), p)))
    deletions = tuple(sorted((p for p in before if p not in built), key=lambda p: (-stage(p), p)))
    return PublishPlan(uploads, deletions, len(built) - len(changed))


def foreign_files(connection: Connection, plan: PublishPlan, published: RemoteManifest) -> tuple[str, ...]:
    """The files `plan` would replace that the target's record does not hold: someone else's.

    One listing per folder that exists on the target (a first publish into an empty folder
    lists only its root), never a look per file.
    """
    listings: dict[str, set[str] | None] = {}

    def names(folder: str) -> set[str] | None:
        if folder not in listings:
            listings[folder] = connection.listdir(folder)
        return listings[folder]

    found = []
    for upload in plan.uploads:
        if upload.path in published.files:
            continue
        *folders, name = upload.path.split("/")
        where = ""
        for part in folders:
            listing = names(where)
            if listing is None or part not in listing:
                break
            where = f"{where}/{part}" if where else part
        else:
            listing = names(where)
            if listing is not None and name in listing:
                found.append(upload.path)
    return tuple(found)


def send(
    connection: Connection,
    plan: PublishPlan,
    root: Path,
    published: RemoteManifest,
    built: Mapping[str, str],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> SyncResult:
    """Carries out `plan`; on return the target holds `built` and records it."""
    working: dict[str, str | None] = dict(published.files)
    # Each file to send or remove may be the old one, the new one or gone when a publish stops:
    # unknown, so that the next publish sends (or removes) it whatever it finds.
    working.update((u.path, None) for u in plan.uploads)
    working.update((path, None) for path in plan.deletions)
    if plan.empty and published.found and working == dict(built):
        return SyncResult(0, 0, plan.unchanged, 0)
    write_remote_manifest(connection, RemoteManifest(working, found=True))  # the claim, before any byte
    total, done, sent = len(plan.uploads) + len(plan.deletions), 0, 0
    last_checkpoint, interval = clock(), CHECKPOINT_SECONDS

    def step(label: str) -> None:
        nonlocal done, last_checkpoint, interval
        done += 1
        if progress is not None:
            progress(done, total, label)
        if clock() - last_checkpoint >= interval:
            began = clock()
            write_remote_manifest(connection, RemoteManifest(working, found=True))
            last_checkpoint = clock()
            # a large record on a slow line: at most a tenth of the time goes to rewriting it
            interval = max(CHECKPOINT_SECONDS, 10 * (last_checkpoint - began))

    try:
        for upload in plan.uploads:
            if cancelled is not None and cancelled():
                raise PublishCancelled(_stopped(done, total))
            connection.upload(upload.path, root.joinpath(*upload.path.split("/")))
            working[upload.path] = upload.sha256
            sent += upload.size
            step(upload.path)
        for path in plan.deletions:
            if cancelled is not None and cancelled():
                raise PublishCancelled(_stopped(done, total))
            connection.remove(path)
            del working[path]
            step(f"removed {path}")
    except (PublishCancelled, PublishFailed):
        _checkpoint_quietly(connection, working)
        raise
    write_remote_manifest(connection, RemoteManifest(dict(built), found=True))
    return SyncResult(len(plan.uploads), len(plan.deletions), plan.unchanged, sent)


def _stopped(done: int, total: int) -> str:
    return f"Publish stopped after {done:,} of {total:,} changes; the next publish finishes it."


def _checkpoint_quietly(connection: Connection, working: dict[str, str | None]) -> None:
    """Records what landed before a stop, so the next publish resends less; the claim already
    written covers everything if even this fails (the connection may be what failed)."""
    try:
        write_remote_manifest(connection, RemoteManifest(working, found=True))
    except PublishFailed:
        pass
