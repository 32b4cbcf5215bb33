"""Render a document section by section, re-rendering only sections whose text changed."""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from fieldnotes_desktop.render.parser import markdown_parser
from fieldnotes_desktop.render.sanitize import ImageUrl, Sanitizer
from fieldnotes_desktop.render.section_cache import (
    TemplateStore,
    dump_templates,
    keepable,
    keys_for,
    load_many,
)
from fieldnotes_desktop.render.sections import SourceScan, SourceSection, scan_source
from fieldnotes_desktop.render.template import SectionTemplate, make_template
from fieldnotes_desktop.render.typography import DEFAULT_TYPOGRAPHY, Typography

_CLOSE = "</section>\n"


@dataclass(frozen=True, slots=True)
class RenderedSection:
    """One section's HTML, wrapped in `<section class="fn-section" data-key data-lines>`.

    `html` can change while `key` stays the same: when lines are inserted above the
    section (its `data-line` values shift) or a duplicate heading appears before it
    (its heading id gets a suffix). Compare `html` to know whether to patch.
    """

    key: str
    start_line: int
    end_line: int
    html: str

    @property
    def inner_html(self) -> str:
        """The section's content without the wrapper element."""
        return self.html[self.html.index(">") + 1 : -len(_CLOSE)]


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """A rendered document; `full_render` is True when sections could not be reused."""

    sections: tuple[RenderedSection, ...]
    full_render: bool

    @property
    def html(self) -> str:
        return "".join(section.html for section in self.sections)

    @property
    def inner_html(self) -> str:
        """The document's HTML without section wrappers (what `render_markdown` returns)."""
        return "".join(section.inner_html for section in self.sections)


@dataclass(slots=True)
class RenderStats:
    """Running counts, for tests and the benchmark to see what the cache saved."""

    sections_rendered: int = 0
    cache_hits: int = 0
    full_renders: int = 0
    shared_hits: int = 0  # sections the shared store had (see `TemplateStore`)


class SectionRenderer:
    """Markdown to sanitized HTML with a per-section cache; one instance per document view.

    Not thread-safe: give each thread its own renderer. The cache assumes `image_url`
    answers the same for the same source; call `clear_cache` when it would not.

    With a `shared` store, sections missing from the in-memory cache are asked of the store
    first (one call per render), and sections rendered here that hold no image go into it.
    `typography` is fixed for the renderer's life, so its in-memory cache holds one kind of
    section; the shared store's keys carry it (`keys_for`).
    """

    def __init__(
        self,
        *,
        image_url: ImageUrl | None = None,
        cache_size: int = 4096,
        shared: TemplateStore | None = None,
        typography: Typography = DEFAULT_TYPOGRAPHY,
    ) -> None:
        self.typography = typography
        self._sanitizer = Sanitizer(image_url)
        self._cache_size = cache_size
        self._cache: OrderedDict[str, SectionTemplate] = OrderedDict()
        self._shared = shared
        self.stats = RenderStats()

    def clear_cache(self) -> None:
        self._cache.clear()

    def render(self, source: str) -> RenderedDocument:
        return self.render_scan(scan_source(source))

    def render_scan(
        self, scan: SourceScan, known: Mapping[str, list[SectionTemplate]] | None = None
    ) -> RenderedDocument:
        """Renders a scanned document; `known` holds templates already found by key (`keys_for`)."""
        templates = self.templates(scan, known)
        return assemble(scan, templates)

    def templates(
        self, scan: SourceScan, known: Mapping[str, list[SectionTemplate]] | None = None, *, shared: bool = True
    ) -> list[SectionTemplate]:
        """One template per section of `scan`: from `known`, memory, the shared store, or rendered here.

        `shared=False` leaves the shared store out of this render: the preview re-rendering the
        section a keystroke changed has nothing to find there and nothing worth keeping.
        """
        if not scan.sections:
            return []
        keys = keys_for(scan, self.typography)
        found = known or {}
        fresh: dict[str, str] = {}
        ask = self._ask_shared if shared else _ask_nobody
        if scan.has_cross_references:
            # Reference and footnote definitions apply document-wide: one pass.
            whole = found.get(keys[0]) or ask(keys).get(keys[0])
            if whole is None or len(whole) != len(scan.sections):
                whole = self._render_whole(scan.sections)
                self.stats.full_renders += 1
                if keepable(whole):
                    fresh[keys[0]] = dump_templates(whole)
            templates = whole
        else:
            chosen: list[SectionTemplate | None] = []
            for section, key in zip(scan.sections, keys):
                given = found.get(key)
                if given is not None and len(given) == 1:
                    self._remember(section, given[0])
                    chosen.append(given[0])
                else:
                    chosen.append(self._from_memory(section))
            asked = ask([k for k, t in zip(keys, chosen) if t is None])
            templates = []
            for section, key, template in zip(scan.sections, keys, chosen):
                if template is None:
                    kept = asked.get(key)
                    if kept is not None and len(kept) == 1:
                        template = kept[0]
                        self._remember(section, template)
                    else:
                        template = self._render_section(section)
                        if keepable([template]):
                            fresh[key] = dump_templates([template])
                templates.append(template)
        if fresh and shared and self._shared is not None:
            self._shared.put_many(fresh)
        return templates

    def _ask_shared(self, keys: Sequence[str]) -> dict[str, list[SectionTemplate]]:
        if self._shared is None or not keys:
            return {}
        found = load_many(self._shared.get_many(keys))
        self.stats.shared_hits += sum(map(len, found.values()))
        return found

    def _remember(self, section: SourceSection, template: SectionTemplate) -> None:
        if self._cache_size > 0:
            self._cache[section.key.partition("-")[0]] = template
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _from_memory(self, section: SourceSection) -> SectionTemplate | None:
        digest = section.key.partition("-")[0]
        cached = self._cache.get(digest)
        if cached is not None:
            self._cache.move_to_end(digest)
            self.stats.cache_hits += 1
        return cached

    def section_template(self, section: SourceSection) -> SectionTemplate:
        """One section rendered on its own, whatever the caches hold."""
        return self._render_section(section)

    def whole_templates(self, scan: SourceScan) -> list[SectionTemplate]:
        """Every section of `scan` rendered in one pass, as a document with definitions needs."""
        self.stats.full_renders += 1
        return self._render_whole(scan.sections)

    def _render_section(self, section: SourceSection) -> SectionTemplate:
        template = make_template(self._sanitizer.clean(self._render_text(section.text)))
        self.stats.sections_rendered += 1
        self._remember(section, template)
        return template

    def _render_text(self, text: str) -> str:
        md = markdown_parser(self.typography)
        try:
            html: str = md.render(text, {})
            return html
        except RecursionError:
            # Input pathological enough to exhaust the stack still shows, as text.
            return f"<pre>{escapeHtml(text)}</pre>\n"

    def _render_whole(self, sections: tuple[SourceSection, ...]) -> list[SectionTemplate]:
        """Parse all sections as one document, then cut its tokens back into sections."""
        if not sections:
            return []
        md = markdown_parser(self.typography)
        env: dict[str, object] = {}
        try:
            tokens = md.parse("".join(section.text for section in sections), env)
        except RecursionError:
            text = "".join(section.text for section in sections)
            fallback = make_template(f"<pre>{escapeHtml(text)}</pre>\n")
            return [fallback] + [make_template("")] * (len(sections) - 1)
        groups = _group_by_section(tokens, [section.start_line for section in sections])
        self.stats.sections_rendered += len(sections)
        return [
            make_template(
                self._sanitizer.clean(md.renderer.render(group, md.options, env)),
                line_base=section.start_line,
            )
            for section, group in zip(sections, groups)
        ]


def _ask_nobody(_keys: Sequence[str]) -> dict[str, list[SectionTemplate]]:
    return {}


def assemble(scan: SourceScan, templates: Sequence[SectionTemplate]) -> RenderedDocument:
    """The document from one template per section: absolute lines, ids unique over the whole."""
    taken_ids: set[str] = set()
    rendered = tuple(
        RenderedSection(
            section.key,
            section.start_line,
            section.end_line,
            f'<section class="fn-section" data-key="{section.key}" '
            f'data-lines="{section.start_line}-{section.end_line}">'
            f"{template.fill(section.start_line, taken_ids)}{_CLOSE}",
        )
        for section, template in zip(scan.sections, templates)
    )
    return RenderedDocument(rendered, scan.has_cross_references)


def _group_by_section(tokens: list[Token], starts: list[int]) -> list[list[Token]]:
    """Assign each top-level block (with its children) to the section it starts in.

    Blocks without a source map (the footnote list appended at the end) stay with
    the section before them.
    """
    groups: list[list[Token]] = [[] for _ in starts]
    current = 0
    for token in tokens:
        if token.level == 0 and token.nesting != -1 and token.map is not None:
            current = max(current, bisect_right(starts, token.map[0]) - 1)
        groups[current].append(token)
    return groups
