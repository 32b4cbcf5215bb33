"""The pre-publish checks: what a reader of the published site would trip over, found before it is sent.

One snapshot, the export's own reads: the summaries of every entry outside the trash, then the
bodies of the entries a publish would write, a batch at a time, each read line by line
(render/references.py) rather than rendered. Links to another entry's anchor are kept until
every body has been read, then only the bodies of those entries are read again for their
anchors: memory grows with the links found, never with the bodies.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import NamedTuple
from urllib.parse import unquote

from fieldnotes_desktop.errors import ExportCancelled, NotFoundError
from fieldnotes_desktop.export.alt_warnings import image_name
from fieldnotes_desktop.export.images import is_external
from fieldnotes_desktop.export.link_targets import entry_link_target
from fieldnotes_desktop.records import DRAFT, FINISHED, SCHEDULED, EntrySummary, Finding
from fieldnotes_desktop.render.alt_text import is_real_alt_text
from fieldnotes_desktop.render.references import IMAGE, BodyScan, Reference, page_anchors, scan_body
from fieldnotes_desktop.render.sanitize import PAGE_ID_PREFIX, USER_ID_PREFIX
from fieldnotes_desktop.services import findings as say
from fieldnotes_desktop.services.clock import Clock, utc_now
from fieldnotes_desktop.services.findings import EntryFindings, Findings
from fieldnotes_desktop.services.schedule import moment_of
from fieldnotes_desktop.services.site import SiteService
from fieldnotes_desktop.store import Store, check_reads, export_reads
from fieldnotes_desktop.store.check_reads import StoredImage

Cancelled = Callable[[], bool]

BATCH = 200  # bodies held at once
HUGE_IMAGE_BYTES = 1024 * 1024
# Anchors a page has whatever its body: browsers scroll `#top` to the top, and ids starting
# `fn-` belong to the page around the body (render/sanitize.py `PAGE_ID_PREFIX`).
_PAGE_ANCHORS = ("top",)


class _Page(NamedTuple):
    """An entry outside the trash as a link to it sees it."""

    id: int
    status: str
    published: bool


class _Checked(NamedTuple):
    id: int
    slug: str
    title: str


class _AnchorLink(NamedTuple):
    """A link to another entry's anchor, judged once every body has been read."""

    source: EntryFindings
    line: int
    anchor: str


class CheckService:
    """Runs the checks in one read-only snapshot; never changes what is stored."""

    def __init__(self, store: Store, site: SiteService, clock: Clock = utc_now, zone: dt.tzinfo | None = None) -> None:
        """`zone`: the writer's, for what "today" is and when a scheduled entry is due (None: this computer's)."""
        self._store = store
        self._site = site
        self._clock = clock
        self._zone = zone

    def run(
        self, slugs: Sequence[str] | None = None, include_drafts: bool = False, cancelled: Cancelled | None = None
    ) -> Findings:
        """The findings about the entries a publish would write, errors first: the finished ones and
        the scheduled ones whose moment has passed (a publish's export releases those first), or
        every entry outside the trash with `include_drafts`; or the entries `slugs`, whatever their
        status, judged against what a publish would write."""
        site = self._site.get()
        now = _aware(self._clock())
        today = now.astimezone(self._zone).date()  # the writer's calendar, as entries are dated
        found: list[Finding] = []
        if slugs is None and not site.base_url:
            found.append(Finding(say.LEVELS[say.NO_SITE_ADDRESS], say.NO_SITE_ADDRESS, "", None, None,
                                 say.no_site_address()))
        with self._store.snapshot() as s:
            extras = {entry_id: (cover, time) for entry_id, cover, time in check_reads.covers_and_times(s)}

            def published(entry: EntrySummary) -> bool:
                if include_drafts or entry.status == FINISHED:
                    return True
                time = extras.get(entry.id, ("", ""))[1]
                return entry.status == SCHEDULED and moment_of(entry.date, time, self._zone) <= now

            pages: dict[str, _Page] = {}
            chosen = set(slugs) if slugs is not None else None
            checked: list[_Checked] = []
            by_title: dict[str, list[_Checked]] = {}
            for summary in export_reads.summaries_outside_trash(s):
                is_published = published(summary)
                pages[summary.slug] = _Page(summary.id, summary.status, is_published)
                mine = _Checked(summary.id, summary.slug, summary.title)
                if is_published and summary.title.strip():
                    by_title.setdefault(" ".join(summary.title.split()).casefold(), []).append(mine)
                if (is_published and chosen is None) or (chosen is not None and summary.slug in chosen):
                    checked.append(mine)
                    found += _summary_findings(summary, today)
            trashed = set(check_reads.trashed_slugs(s))
            if slugs is not None:
                _refuse_unknown(slugs, pages, trashed)
            found += _duplicate_titles(by_title, {c.slug for c in checked})
            del by_title
            images = _StoredImages(check_reads.stored_images(s))
            found += _cover_findings(checked, extras, images)
            reader = _BodyReader(pages, trashed, images)
            for start in range(0, len(checked), BATCH):
                _check(cancelled)
                batch = checked[start : start + BATCH]
                bodies = export_reads.bodies(s, [c.id for c in batch])
                for entry in batch:
                    found += reader.read(entry, bodies.get(entry.id, ""))
            found += reader.judge_anchor_links(lambda ids: export_reads.bodies(s, ids), cancelled)
        return Findings(found, len(checked))


class _BodyReader:
    """Reads each body once for its own findings, and keeps the links to other entries' anchors."""

    def __init__(self, pages: dict[str, _Page], trashed: Collection[str], images: _StoredImages) -> None:
        self._pages = pages
        self._trashed = trashed
        self._images = images
        self._anchor_links: dict[str, list[_AnchorLink]] = {}
        self._known_anchors: dict[str, frozenset[str]] = {}
        self._pending: list[EntryFindings] = []  # entries with anchor links still to judge
        # Most images appear with the same alt text again and again (a site's logo, a map):
        # judged once each. Bounded by the distinct pairs, and dropped with the reader.
        self._alt_judged: dict[tuple[str, str], bool] = {}

    def read(self, entry: _Checked, body: str) -> list[Finding]:
        out = EntryFindings(entry.slug, entry.id)
        scan = scan_body(body)
        waits = False
        for ref in scan.references:
            if ref.kind == IMAGE:
                self._image(out, ref)
            else:
                waits = self._link(out, entry.slug, ref, scan) or waits
        if entry.slug in self._anchor_links:  # linked into already: its anchors spare a second reading
            self._known_anchors[entry.slug] = scan.anchors
        if waits:
            self._pending.append(out)
            return []
        return out.finish()

    def _image(self, out: EntryFindings, ref: Reference) -> None:
        # An image on another site is not ours to find, but its alt text is ours to write.
        stored = None if is_external(ref.target) else self._images.find(
            unquote(ref.target) if "%" in ref.target else ref.target)
        if stored is None:
            if not is_external(ref.target):
                out.add(say.MISSING_IMAGE, say.missing_image(ref.target, ref.line), ref.line)
            name = "embedded image" if ref.target.lstrip().lower().startswith("data:") else image_name(ref.target)
        else:
            name = stored.filename
            if stored.size > HUGE_IMAGE_BYTES:
                out.add(say.HUGE_IMAGE, say.huge_image(name, stored.size, ref.line), ref.line)
        judged = (ref.alt, name)
        real = self._alt_judged.get(judged)
        if real is None:
            real = self._alt_judged[judged] = is_real_alt_text(ref.alt, name)
        if not real:
            out.add(say.ALT_TEXT, say.alt_text(name, ref.line), ref.line)

    def _link(self, out: EntryFindings, own: str, ref: Reference, scan: BodyScan) -> bool:
        """Judges one link; True when it waits for another entry's anchors."""
        target = entry_link_target(ref.target, own)
        if target is None:
            return False
        slug, anchor, line = target.slug, target.anchor, ref.line
        if target.inside_own_folder:
            if slug in self._pages or slug in self._trashed:
                out.add(say.BROKEN_LINK, say.inside_own_folder(ref.target, slug, line), line)
            return False
        if slug == own:
            if anchor and not _has_anchor(scan.anchors, anchor):
                named = _page_name(scan.anchors, anchor)
                out.add(say.BROKEN_LINK, say.missing_anchor("", anchor, line, page_name=named), line)
            return False
        page = self._pages.get(slug)
        if page is None:
            if slug in self._trashed:
                out.add(say.LINK_TO_DRAFT, say.not_published(slug, line, "trash"), line)
            else:
                out.add(say.BROKEN_LINK, say.no_entry(slug, line), line)
        elif not page.published:
            out.add(say.LINK_TO_DRAFT, say.not_published(slug, line, page.status or DRAFT), line)
        elif anchor and anchor.lower() not in _PAGE_ANCHORS:  # `#top` needs no reading of that body
            self._anchor_links.setdefault(slug, []).append(_AnchorLink(out, line, anchor))
            return True
        return False

    def judge_anchor_links(
        self, bodies: Callable[[list[int]], dict[int, str]], cancelled: Cancelled | None
    ) -> list[Finding]:
        """Reads the bodies of the entries linked with an anchor, and judges those links."""
        targets = sorted(self._anchor_links)
        for start in range(0, len(targets), BATCH):
            _check(cancelled)
            chunk = targets[start : start + BATCH]
            read = bodies([self._pages[slug].id for slug in chunk if slug not in self._known_anchors])
            for slug in chunk:
                known = self._known_anchors.get(slug)
                anchors = known if known is not None else page_anchors(read.get(self._pages[slug].id, ""))
                for link in self._anchor_links[slug]:
                    if not _has_anchor(anchors, link.anchor):
                        named = _page_name(anchors, link.anchor)
                        link.source.add(say.BROKEN_LINK, say.missing_anchor(
                            slug, link.anchor, link.line, page_name=named), link.line)
        self._anchor_links.clear()
        self._known_anchors.clear()
        return [finding for entry in self._pending for finding in entry.finish()]


class _StoredImages:
    """The stored images by name, found as `AssetService.find` finds them: by file name (any
    folder), else by the start of the hash (eight characters at least)."""

    def __init__(self, images: Iterable[StoredImage]) -> None:
        self._by_name: dict[str, StoredImage] = {}
        by_hash: list[tuple[str, StoredImage]] = []
        for image in images:
            self._by_name[image.filename] = image
            by_hash.append((image.sha256, image))
        by_hash.sort(key=lambda pair: pair[0])
        self._hashes = [digest for digest, _image in by_hash]
        self._by_hash = [image for _digest, image in by_hash]

    def find(self, reference: str) -> StoredImage | None:
        name = reference.split("?")[0].split("#")[0].rstrip("/").rpartition("/")[2]
        found = self._by_name.get(name)
        if found is not None or len(name) < 8:
            return found
        at = bisect.bisect_left(self._hashes, name)
        if at < len(self._hashes) and self._hashes[at].startswith(name):
            return self._by_hash[at]
        return None


def _cover_findings(
    checked: Iterable[_Checked], extras: dict[int, tuple[str, str]], images: _StoredImages
) -> list[Finding]:
    """A cover named but not stored, or too big: link previews of the page would show nothing, or wait."""
    out = []
    for entry in checked:
        cover = extras.get(entry.id, ("", ""))[0].strip()
        if not cover or is_external(cover):
            continue
        stored = images.find(cover)
        if stored is None:
            message = say.missing_cover(cover)
            out.append(Finding(say.LEVELS[say.MISSING_IMAGE], say.MISSING_IMAGE, entry.slug, entry.id, None, message))
        elif stored.size > HUGE_IMAGE_BYTES:
            message = say.huge_image(stored.filename, stored.size, None)
            out.append(Finding(say.LEVELS[say.HUGE_IMAGE], say.HUGE_IMAGE, entry.slug, entry.id, None, message))
    return out


def _summary_findings(entry: EntrySummary, today: dt.date) -> list[Finding]:
    out = []
    if not entry.summary.strip():
        out.append(Finding(say.LEVELS[say.NO_SUMMARY], say.NO_SUMMARY, entry.slug, entry.id, None,
                           say.no_summary(entry.title)))
    if entry.status == FINISHED and entry.date > today:
        out.append(Finding(say.LEVELS[say.FUTURE_DATE], say.FUTURE_DATE, entry.slug, entry.id, None,
                           say.future_date(entry.title, entry.date)))
    return out


def _duplicate_titles(by_title: dict[str, list[_Checked]], checked: Collection[str]) -> list[Finding]:
    out = []
    for same in by_title.values():
        if len(same) < 2:
            continue
        for entry in same:
            if entry.slug in checked:
                others = [other.slug for other in same if other is not entry]
                out.append(Finding(say.LEVELS[say.DUPLICATE_TITLE], say.DUPLICATE_TITLE, entry.slug, entry.id,
                                   None, say.duplicate_title(entry.title, others)))
    return out


def _has_anchor(anchors: Collection[str], anchor: str) -> bool:
    if anchor in anchors or anchor.lower() in _PAGE_ANCHORS:
        return True
    # The page's own ids (`fn-entry-footer`), unless the body meant one of its own the renderer renamed.
    return anchor.startswith(PAGE_ID_PREFIX) and USER_ID_PREFIX + anchor not in anchors


def _page_name(anchors: Collection[str], anchor: str) -> str | None:
    """What the page calls a hand-written id `anchor` (the renderer writes it `user-<id>`), if it has one."""
    named = USER_ID_PREFIX + anchor
    return named if named in anchors else None


def _refuse_unknown(slugs: Iterable[str], pages: dict[str, _Page], trashed: Collection[str]) -> None:
    for slug in slugs:
        if slug in pages:
            continue
        if slug in trashed:
            raise NotFoundError(f"The entry “{slug}” is in the trash; restore it to check it.")
        raise NotFoundError(f"There is no entry with the slug “{slug}”; `fieldnotes list` shows them.")


def _aware(moment: dt.datetime) -> dt.datetime:
    """The clock's time, aware (a naive one is UTC, as the store keeps it)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _check(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ExportCancelled("The checks were stopped before they finished; nothing was changed.")
