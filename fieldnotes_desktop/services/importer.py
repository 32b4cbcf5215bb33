"""Imports Markdown files, folders and Jekyll or Hugo sites in one transaction: all of a run is stored, or none."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.errors import ImportFailed, ValidationError
from fieldnotes_desktop.render.image_refs import repoint_images
from fieldnotes_desktop.render.parallel import worker_count
from fieldnotes_desktop.records import DRAFT, UNSET, EntryFields, ImportNote, ImportReport
from fieldnotes_desktop.services.assets import MAX_ASSET_BYTES, store_asset
from fieldnotes_desktop.services.entries import EntryService
from fieldnotes_desktop.services.import_batches import BatchWriter
from fieldnotes_desktop.services.import_notes import Notes, kept_aliases, renamed_notes
from fieldnotes_desktop.services.import_reading import FileReader
from fieldnotes_desktop.services.wordpress import read_wxr
from fieldnotes_desktop.services.markdown_files import (
    MARKDOWN_SUFFIXES,
    ParsedFile,
    image_refs,
    printable,
    read_limited,
    special_kind,
)
from fieldnotes_desktop.services.site_links import SiteLinks
from fieldnotes_desktop.services.site_syntax import convert
from fieldnotes_desktop.services.sites import Site, detect_site, site_of_file, site_posts
from fieldnotes_desktop.store import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Found:
    """A file to import and the folder it may draw on: images never come from outside `root`."""

    # A str, not a Path: an import of 90,000 files holds one of these for each file from the
    # start, and a Path costs ~750 bytes against ~150 for its text.
    name: str
    root: Path  # resolved: the folder given (or the site's root), or the folder of a file given by name
    walked: bool  # found in a folder, so it must itself lie inside `root`
    site: Site | None = None  # the Jekyll or Hugo site it is a post of
    status: str = DRAFT  # the status it gets when its front matter does not say

    @property
    def path(self) -> Path:
        return Path(self.name)

    @property
    def shown(self) -> str:
        """As the writer knows the file: from the folder imported, or by its name."""
        if self.walked or self.site is not None:
            return printable(os.path.relpath(self.name, self.root))
        return printable(self.path.name)


class _DryRun(Exception):
    """Carries a dry run's report out of the transaction it rolls back."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


class ImportService:
    def __init__(self, store: Store, entries: EntryService) -> None:
        self._store = store
        self._entries = entries

    def import_paths(
        self,
        paths: Iterable[Path | str],
        progress: Progress | None = None,
        *,
        status: str = DRAFT,
        dry_run: bool = False,
        cancelled: Callable[[], bool] | None = None,
        media: Path | None = None,
    ) -> ImportReport:
        """Stores every post and Markdown file under `paths` as a new entry, or, should one be refused, none.

        `status` is what a plain file without one becomes (a site's post follows its site). A dry
        run does all of it, then rolls the transaction back: its report is the import's, nothing
        stored. One transaction holds the whole run; inside it the files are read, checked and
        stored a batch at a time (services/import_batches.py), so memory stays flat however many
        there are. A WordPress export (`.xml`) gives its posts, their images from `media` (its
        uploads folder) when given.
        """
        skipped: list[str] = []
        given = [Path(p) for p in paths]
        exports = [p for p in given if p.suffix.lower() == ".xml" and p.is_file()]
        wordpress = [(p, read_wxr(p, media)) for p in exports]  # read before the transaction: no lock held
        files = collect_files([p for p in given if p not in exports], skipped, status)
        if not files and not any(read.files for _p, read in wordpress):
            raise ImportFailed(
                "No posts were found to import: give Markdown files (.md, .markdown, .txt), folders of them, "
                "a Jekyll or Hugo site, or a WordPress export (.xml)."
            )
        links = SiteLinks()
        for found in files:
            if found.site is not None:
                links.add(found.site, found.name)
        images: set[str] = set()
        notes = Notes()
        total = len(files) + sum(len(read.files) for _p, read in wordpress)
        done = 0

        def stored(name: str) -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, total, name)

        jobs = [(found.name, str(found.root), found.walked) for found in files]
        try:
            with self._store.transaction() as s, FileReader(jobs, spare_workers()) as reader:
                batch = BatchWriter(s, self._entries, stored)
                for found, (item, words) in zip(files, reader):
                    if cancelled is not None and cancelled():
                        raise ImportFailed("The import was cancelled; nothing was imported.")
                    fields = self._prepared(s, found, item, links, notes, skipped, images)
                    # A converted body, or an image stored under another name, is counted again.
                    batch.add(printable(item.path.name), fields, words if fields.body is item.fields.body else None)
                for export, read in wordpress:
                    root = read.media or export.absolute().parent.resolve()
                    for item in read.files:
                        if cancelled is not None and cancelled():
                            raise ImportFailed("The import was cancelled; nothing was imported.")
                        found = Found(str(item.path), root, walked=False)
                        fields = kept_aliases(
                            _attach_images(s, item, found, skipped, images), printable(export.name), notes)
                        batch.add(printable(item.path.name), fields)
                    notes.extend(read.notes)
                batch.flush()
                if links.wanted:  # only a site's posts are linked to by slug
                    notes.extend(renamed_notes([(f.name, f.shown) for f in files], batch.created, links.wanted))
                report = ImportReport(
                    created=tuple(batch.created), assets=len(images), skipped=tuple(skipped), notes=notes.all()
                )
                if dry_run:
                    raise _DryRun(report)
        except _DryRun as run:
            return run.report
        return report

    @staticmethod
    def _prepared(
        session: Session, found: Found, item: ParsedFile, links: SiteLinks, notes: Notes,
        skipped: list[str], images: set[str],
    ) -> EntryFields:
        """The entry `item` becomes: site syntax converted, images stored, status as its source says."""
        body = item.fields.body
        assert isinstance(body, str)
        converted, met = convert(body, links.targets(found.site), from_site=found.site is not None)
        for m in met:
            notes.add(ImportNote(found.shown, m.construct, item.body_line + m.line, m.text))
        if converted != body:
            item = replace(item, fields=replace(item.fields, body=converted), image_refs=image_refs(converted))
        fields = _attach_images(session, item, found, skipped, images)
        fields = kept_aliases(fields, found.shown, notes)
        return fields if fields.status is not UNSET else replace(fields, status=found.status)


def spare_workers() -> int:
    """Worker processes worth starting to read files: one per core the machine leaves idle.

    Beside this process's own core; on a machine busy with other work, workers only add their
    start-up and hand-over costs (measured: ~40 % more CPU at a load of 4.5 on 2 cores).
    """
    cores = worker_count()
    try:
        load = os.getloadavg()[0]
    except OSError:  # not on this system
        load = 0.0
    return max(0, min(cores - 1, int(cores - load + 0.5)))


def collect_files(paths: list[Path], skipped: list[str] | None = None, status: str = DRAFT) -> list[Found]:
    """The posts and Markdown files named or found in folders; linked folders are noted in `skipped`.

    A folder that is a Jekyll or Hugo site gives its posts (sites.py); any other folder, every
    Markdown file in it. `status` is what a plain file becomes when it does not say.
    """
    notes = skipped if skipped is not None else []
    found: list[Found] = []
    for path in paths:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise ImportFailed(f"{printable(str(path))} does not exist; check the path and import again.") from None
        except OSError as exc:
            raise ImportFailed(f"{printable(str(path))} cannot be read ({exc.strerror}); nothing was imported.") from exc
        if stat.S_ISDIR(info.st_mode):
            site = detect_site(path, notes)
            if site is None:
                root = path.resolve()
                found += [Found(name, root, walked=True, status=status) for name in _walk(path, notes)]
            else:
                walk = lambda folder, bundles: _walk(folder, notes, bundles)  # noqa: E731
                found += [Found(n, site.root, True, site, s) for n, s in site_posts(site, walk, notes)]
        else:
            # Whatever it is (a FIFO, a device), it is refused by name when read, never skipped.
            site, implied = site_of_file(path, notes) if path.suffix.lower() in MARKDOWN_SUFFIXES else (None, None)
            root = site.root if site is not None else path.absolute().parent.resolve()
            found.append(Found(str(path), root, walked=False, site=site, status=implied or status))
    return found


def _walk(folder: Path, skipped: list[str], leaf_bundles: bool = False) -> list[str]:
    """The Markdown files under `folder`, in order; with `leaf_bundles`, a folder holding an
    `index.md` gives that file alone, as Hugo reads a page bundle."""
    found: list[str] = []
    if not folder.is_dir():
        return found

    def _unreadable(exc: OSError) -> None:
        where = printable(str(exc.filename or folder))
        raise ImportFailed(f"{where} cannot be read ({exc.strerror}); nothing was imported.") from exc

    # followlinks=False: a linked folder is listed but never entered, so a link to `..` cannot
    # loop and a link to elsewhere cannot pull in files from outside the folder.
    for current, dirs, names in os.walk(folder, onerror=_unreadable):
        if leaf_bundles and "index.md" in names:
            dirs[:] = []
            found.append(os.path.join(current, "index.md"))
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:
            if os.path.islink(os.path.join(current, name)):
                shown = printable(os.path.relpath(os.path.join(current, name), folder))
                skipped.append(f"{shown}: a linked folder, not followed, so nothing in it was imported")
        found += [
            os.path.join(current, n)
            for n in sorted(names)
            if n.lower().endswith(MARKDOWN_SUFFIXES) and not n.startswith(".")
        ]
    return found


def _attach_images(
    session: Session, item: ParsedFile, found: Found, skipped: list[str], stored: set[str]
) -> EntryFields:
    """Stores the local images an entry points at, and its cover, so its export carries them.

    Only files inside the import's root are read: a reference through `..`, an absolute path or
    a link that leads outside is reported in `skipped`, and the file is never opened.
    """
    body = item.fields.body
    assert isinstance(body, str)
    names = {ref: _store_image(session, item.path, found, ref, skipped, stored) for ref in dict.fromkeys(item.image_refs)}
    if any(names.values()):
        # As the desk writes them (`assets/name`), whatever form the source used: a page bundle's
        # `ridge.jpg`, a site's `/assets/ridge.jpg`, `<summit view.jpg>` or `summit%20view.jpg`.
        body = repoint_images(body, names.get)
    cover = item.fields.cover
    if isinstance(cover, str) and cover and "://" not in cover and not cover.startswith(("data:", "//")):
        cover = _store_image(session, item.path, found, cover, skipped, stored, what="cover image") or cover
    if body is item.fields.body and cover == item.fields.cover:
        return item.fields
    return replace(item.fields, body=body, cover=cover)


def _store_image(
    session: Session, file: Path, found: Found, ref: str, skipped: list[str], stored: set[str], what: str = "image"
) -> str | None:
    """The name the image `ref` is stored under, or None (and why, in `skipped`)."""
    where, shown = printable(file.name), printable(ref)
    candidate, problem = _locate(file, found, ref)
    if candidate is None:
        skipped.append(f"{where}: {what} {shown} {problem}, so it was not imported")
        return None
    name = Path(ref.lstrip("/")).name or candidate.name
    data, _ = read_limited(candidate, MAX_ASSET_BYTES, "images")
    try:
        asset = store_asset(session, name, data)
    except ValidationError as exc:
        # An SVG that cannot be made safe: the entry is still worth having without it.
        skipped.append(f"{where}: {exc}")
        return None
    stored.add(asset.sha256)
    return asset.filename


def _locate(file: Path, found: Found, ref: str) -> tuple[Path | None, str]:
    """The image file `ref` means, resolved, or None and why not.

    `/images/x.png` means the site's `images/x.png` (Hugo's `static/images/x.png`), as static
    site generators read it, and falls back to beside the file; anything else is relative to
    the file's folder (a page bundle's images lie beside its `index.md`).
    """
    root = found.root
    relative = ref.lstrip("/")
    site_bases = found.site.image_bases if found.site is not None else (root,)
    bases = (*site_bases, file.parent) if ref.startswith("/") else (file.parent,)
    problem = "is not beside the file"
    for base in bases:
        candidate = (base / relative).resolve()
        if not candidate.is_relative_to(root):
            problem = f"is outside the imported folder {printable(root.name)}"
            continue
        if candidate.suffix.lower() not in IMAGE_SUFFIXES:
            problem = "is not an image file"
            continue
        try:
            kind = special_kind(os.stat(candidate))
        except OSError:
            continue
        if kind is None:
            return candidate, ""
        problem = f"is {kind}, not an image file"
    return None, problem
