"""The preview's copy of the entry as lines and rendered sections, kept current edit by edit.

A keystroke changes one line; re-scanning and re-hashing a 1.3 MB book to find that out cost
the preview ~20 ms a key, all of it holding the interpreter lock the GUI thread needs. Here an
edit re-scans only the sections around it (the one before, to see a heading come or go, and
those it touches) and renders only those; the sections after it keep their rendered templates
and only move by the lines the edit added or removed. Whenever the local answer could differ
from rendering the whole text — a fence or HTML block left open, a reference or footnote
definition, a section text or heading id that also occurs elsewhere — the edit falls back to
the whole render, which is always right. `check_against_full` in the tests holds the two equal.

Not thread-safe: the preview's worker owns it on the compute lane.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldnotes_desktop.export.html import has_level_one
from fieldnotes_desktop.render.sections import SourceScan, normalize_newlines, scan_source
from fieldnotes_desktop.render.template import SectionTemplate

if TYPE_CHECKING:
    from fieldnotes_desktop.render.section_cache import TemplateStore
    from fieldnotes_desktop.render.section_renderer import SectionRenderer
    from fieldnotes_desktop.render.typography import Typography

CLOSE = "</section>\n"
Known = Mapping[str, list[SectionTemplate]]  # templates by `keys_for` key, as a kept store gives them
# Beyond this many sections swapped at once, one replacement of the body is simpler for the page.
PATCH_LIMIT = 16


@dataclass(frozen=True, slots=True)
class LineEdit:
    """Lines [first, first + removed) of the text were replaced by `lines`."""

    first: int
    removed: int
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LiveSection:
    """One section as shown: its place, its template as shown (demoted or not), and the heading ids it took."""

    key: str
    digest: str
    start: int
    end: int
    template: SectionTemplate
    ids: tuple[str, ...]
    level_one: bool = False  # its text has a level-1 heading (before any demotion)

    @property
    def bases(self) -> tuple[str, ...]:
        return self.template.heading_slugs

    @property
    def html(self) -> str:
        inner = self.template.fill_ids(self.start, self.ids)
        return (f'<section class="fn-section" data-key="{self.key}" '
                f'data-lines="{self.start}-{self.end}">{inner}{CLOSE}')


@dataclass(frozen=True, slots=True)
class LivePatch:
    """What changed since the last patch taken: all of it, or sections [first, first + removed)."""

    full: bool
    sections: tuple[LiveSection, ...]  # the document's sections now
    first: int = 0
    removed_keys: tuple[str, ...] = ()
    inserted: tuple[LiveSection, ...] = ()
    before_key: str | None = None
    line_shift: int = 0

    @property
    def empty(self) -> bool:
        return not self.full and not self.removed_keys and not self.inserted and not self.line_shift


class LiveDocument:
    """Lines and sections of one text; `edit` keeps both current, `take_patch` says what moved."""

    def __init__(self, renderer: SectionRenderer, demote: Callable[[str], str]) -> None:
        self._renderer = renderer
        self._retired_renders = 0  # sections rendered by renderers `use` replaced
        self._demote = demote
        # Headings move one level down only while the body uses level-1 headings (the title
        # keeps the page's only <h1>), as the export's `body_html` decides for the whole body.
        self._demoting = False
        self._demoted: dict[str, SectionTemplate] = {}  # by section digest, as shown under `_demoting`
        self.lines: list[str] = []
        self._chars = 0
        self.sections: list[LiveSection] = []
        self._starts: list[int] = []
        self._digests: Counter[str] = Counter()
        self._bases: Counter[str] = Counter()
        self._cross_references = False
        self.full_renders = 0
        self.local_renders = 0
        # Since the last `take_patch`: everything changed, or the sections from `_dirty_from` up
        # to the last `_clean_tail` were replaced and the tail moved by `_shift` lines.
        self._shown_keys: list[str] | None = None
        self._dirty_from = 0
        self._clean_tail = 0
        self._shift = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def char_count(self) -> int:
        return self._chars

    @property
    def sections_rendered(self) -> int:
        """Sections turned from Markdown into HTML so far (not taken from a cache)."""
        return self._retired_renders + self._renderer.stats.sections_rendered

    @property
    def typography(self) -> Typography:
        return self._renderer.typography

    def use(self, renderer: SectionRenderer) -> None:
        """Renders with `renderer` (another typography) from now on; `rerender` shows the text held with it."""
        self._retired_renders += self._renderer.stats.sections_rendered
        self._renderer = renderer
        self._demoted = {}  # demoted templates of the old renderer's sections

    def rerender(self) -> None:
        """Renders the text held again, as a whole; the next patch holds the sections that changed."""
        self._render_whole()

    def load(self, text: str, known: Known | None = None) -> None:
        """Takes a whole new text; `known` holds templates kept for it elsewhere (by key)."""
        # One line per editor block, a last empty one included: edits arrive by block number.
        self.lines = text.split("\n")
        self._chars = len(text)
        self._render_whole(known)

    def edit(self, change: LineEdit) -> None:
        first, removed, added = change.first, change.removed, list(change.lines)
        if first < 0 or first + removed > len(self.lines):
            raise ValueError(f"an edit of lines {first}..{first + removed} of {len(self.lines)}")
        if self.lines[first : first + removed] == added:
            return  # a highlighter pass or an undo back to the same text
        self._chars += sum(map(len, added)) - sum(map(len, self.lines[first : first + removed]))
        self._chars += len(added) - removed
        self.lines[first : first + removed] = added
        if not self._render_locally(first, removed, len(added)):
            self._render_whole()

    def take_patch(self) -> LivePatch:
        """What to do to the page that shows the state at the last `take_patch` (or nothing)."""
        now = tuple(self.sections)
        shown, self._shown_keys = self._shown_keys, [s.key for s in now]
        first, tail, shift = self._dirty_from, self._clean_tail, self._shift
        self._dirty_from, self._clean_tail, self._shift = len(now), len(now), 0
        if shown is None:
            return LivePatch(True, now, inserted=now)
        removed = tuple(shown[first : len(shown) - tail])
        inserted = now[first : len(now) - tail]
        appended = not removed and not tail  # the rest of a text whose head is shown
        if not appended and len(removed) + len(inserted) > max(PATCH_LIMIT, len(now) // 2):
            return LivePatch(True, now, inserted=now)
        return LivePatch(
            False, now, first, removed, inserted,
            before_key=now[len(now) - tail].key if tail else None,
            line_shift=shift if tail else 0,
        )

    def forget_shown(self) -> None:
        """The page holds nothing we know of: the next patch sends everything."""
        self._shown_keys = None

    def html(self) -> str:
        return "".join(section.html for section in self.sections)

    # -- internals -----------------------------------------------------------------------

    def _render_whole(self, known: Known | None = None) -> None:
        self.full_renders += 1
        scan = scan_source(self.text)
        templates = self._renderer.templates(scan, known, shared=False)
        self._cross_references = scan.has_cross_references
        demoting = any(map(_has_level_one, templates))
        if demoting != self._demoting:
            self._demoting, self._demoted = demoting, {}
        taken: set[str] = set()
        sections = []
        for source, template in zip(scan.sections, templates):
            digest = source.key.partition("-")[0]
            sections.append(self._section(source.key, digest, source.start_line, source.end_line,
                                          template, taken, fresh_template=scan.has_cross_references))
        old = self.sections
        # What stayed: the unchanged head, and the tail that only moved by the lines added.
        shift = (sections[-1].end - old[-1].end) if sections and old else 0
        head, tail = _unchanged_ends(old, sections, shift)
        self._replace_all(sections)
        self._dirty_from = min(self._dirty_from, head)
        self._clean_tail = min(self._clean_tail, tail)
        self._shift += shift

    def _render_locally(self, first: int, removed: int, added: int) -> bool:
        """Re-renders the sections around an edit of lines [first, first + removed); False if it can't."""
        if self._cross_references or not self.sections:
            return False
        old = self.sections
        # The section holding the edit's first line, and the one before it (a heading typed
        # away there merges the two); up to the section holding the last line replaced.
        at = max(0, bisect_right(self._starts, first) - 1)
        lo = max(0, at - 1)
        hi = max(at, bisect_right(self._starts, first + max(removed, 1) - 1) - 1) + 1
        delta = added - removed
        last = hi == len(old)
        # The last section runs to the end of the text, empty lines after it included.
        begin, end = old[lo].start, len(self.lines) if last else old[hi - 1].end + delta
        if end <= begin or end > len(self.lines):
            return False
        if last:
            scan = scan_source("\n".join(self.lines[begin:]))
            lookahead: list[str] = []
        else:
            # Two lines past the region: a heading there (setext needs its underline) must still
            # start a section, or the edit left something open that runs on into it.
            lookahead = self.lines[end : end + 2]
            scan = scan_source("\n".join(self.lines[begin:end] + lookahead) + "\n")
        if scan.has_cross_references:
            return False
        region = scan.sections
        if lookahead:
            if region[-1].start_line != end - begin:
                return False
            region = region[:-1]
        if not region or region[0].start_line != 0:
            return False
        replaced = old[lo:hi]
        outside = self._digests - Counter(s.digest for s in replaced)
        digests = [s.key.partition("-")[0] for s in region]
        if len(set(digests)) != len(digests) or any(outside[d] for d in (*digests, *(s.digest for s in replaced))):
            return False  # a repeated section text: its `-N` key depends on the whole document
        templates = self._renderer.templates(SourceScan(region, False), shared=False)
        demoting = any(map(_has_level_one, templates)) or any(s.level_one for s in old[:lo]) or any(
            s.level_one for s in old[hi:])
        if demoting != self._demoting:
            return False  # a level-1 heading came or went: every heading of the page moves
        taken = {heading for s in old[:lo] for heading in s.ids}
        fresh = [
            self._section(source.key, digest, begin + source.start_line, begin + source.end_line,
                          template, taken)
            for source, template, digest in zip(region, templates, digests)
        ]
        old_bases = [b for s in replaced for b in s.bases]
        new_bases = [b for s in fresh for b in s.bases]
        if old_bases != new_bases:
            # New or removed headings: their ids must not collide with any id outside.
            others = self._bases - Counter(old_bases)
            if any(others[b] for b in (*old_bases, *new_bases)) or len(set(new_bases)) != len(new_bases):
                return False
            if any(heading != base for s in fresh for heading, base in zip(s.ids, s.bases)):
                return False
        tail = [dataclasses.replace(s, start=s.start + delta, end=s.end + delta) if delta else s
                for s in old[hi:]]
        self.local_renders += 1
        self._splice(lo, hi, fresh, tail, delta)
        return True

    def _section(self, key: str, digest: str, start: int, end: int, template: SectionTemplate,
                 taken: set[str], fresh_template: bool = False) -> LiveSection:
        # Rendered with the whole document (definitions), a section's HTML is not its text's alone.
        demoted = None if fresh_template else self._demoted.get(digest)
        if demoted is None:
            demoted = template
            if self._demoting:
                demoted = SectionTemplate(tuple(self._demote(piece) for piece in template.pieces), template.slots)
            if not fresh_template:
                self._demoted[digest] = demoted
        return LiveSection(key, digest, start, end, demoted, demoted.heading_ids(taken), _has_level_one(template))

    def _replace_all(self, sections: list[LiveSection]) -> None:
        self.sections = sections
        self._starts = [s.start for s in sections]
        self._digests = Counter(s.digest for s in sections)
        self._bases = Counter(b for s in sections for b in s.bases)
        self._keep_demoted(sections)

    def _splice(self, lo: int, hi: int, fresh: list[LiveSection], tail: list[LiveSection], delta: int) -> None:
        replaced = self.sections[lo:hi]
        self.sections = self.sections[:lo] + fresh + tail
        if delta or len(fresh) != hi - lo:
            self._starts = [s.start for s in self.sections]
        else:
            self._starts[lo:hi] = [s.start for s in fresh]
        self._digests.subtract(s.digest for s in replaced)
        self._digests.update(s.digest for s in fresh)
        self._bases.subtract(b for s in replaced for b in s.bases)
        self._bases.update(b for s in fresh for b in s.bases)
        # The section before the edit is re-rendered only to be sure of its end: unchanged, the
        # page keeps it (and so with any unchanged section at either end of the region).
        head, kept = _unchanged_ends(replaced, fresh, delta)
        self._dirty_from = min(self._dirty_from, lo + head)
        self._clean_tail = min(self._clean_tail, len(tail) + kept)
        self._shift += delta
        if len(self._demoted) > 4 * len(self.sections) + 64:
            self._keep_demoted(self.sections)

    def _keep_demoted(self, sections: Iterable[LiveSection]) -> None:
        """Drops demoted templates no section uses any more, so a closed text's go with it."""
        wanted = {s.digest for s in sections}
        self._demoted = {d: t for d, t in self._demoted.items() if d in wanted}


def _has_level_one(template: SectionTemplate) -> bool:
    return any(map(has_level_one, template.pieces))


def _unchanged_ends(old: Sequence[LiveSection], new: Sequence[LiveSection], shift: int) -> tuple[int, int]:
    """How many sections at the start are the same, and at the end the same but `shift` lines on."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and _same(old[head], new[head], 0):
        head += 1
    tail = 0
    while tail < limit - head and _same(old[-1 - tail], new[-1 - tail], shift):
        tail += 1
    return head, tail


def _same(old: LiveSection, new: LiveSection, shift: int) -> bool:
    return (old.key == new.key and new.start - old.start == shift and old.ids == new.ids
            and (old.template is new.template or old.template == new.template))


def kept_templates(store: TemplateStore, text: str, typography: Typography) -> dict[str, list[SectionTemplate]]:
    """The templates `store` keeps for the sections of `text` with `typography` (read on the database lane)."""
    # Here, not with the module: the editor's line edits come from this module, and the cache's
    # keys bring importlib.metadata (~25 ms) the window's first screen does without.
    from fieldnotes_desktop.render.section_cache import keys_for, load_templates

    keys = keys_for(scan_source(normalize_newlines(text)), typography)
    found = {}
    for key, payload in store.get_many(keys).items():
        templates = load_templates(payload)
        if templates is not None:
            found[key] = templates
    return found
