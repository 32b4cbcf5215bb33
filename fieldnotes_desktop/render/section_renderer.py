"""Render a document section by section, re-rendering only sections whose text changed."""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from fieldnotes_desktop.render.parser import markdown_parser
from fieldnotes_desktop.render.sanitize import ImageUrl, Sanitizer
from fieldnotes_desktop.render.sections import SourceSection, scan_source
from fieldnotes_desktop.render.template import SectionTemplate, make_template

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


class SectionRenderer:
    """Markdown to sanitized HTML with a per-section cache; one instance per document view.

    Not thread-safe: give each thread its own renderer. The cache assumes `image_url`
    answers the same for the same source; call `clear_cache` when it would not.
    """

    def __init__(self, *, image_url: ImageUrl | None = None, cache_size: int = 4096) -> None:
        self._sanitizer = Sanitizer(image_url)
        self._cache_size = cache_size
        self._cache: OrderedDict[str, SectionTemplate] = OrderedDict()
        self.stats = RenderStats()

    def clear_cache(self) -> None:
        self._cache.clear()

    def render(self, source: str) -> RenderedDocument:
        scan = scan_source(source)
        if scan.has_cross_references:
            # Reference and footnote definitions apply document-wide: one pass.
            templates = self._render_whole(scan.sections)
            self.stats.full_renders += 1
        else:
            templates = [self._template_for(section) for section in scan.sections]
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

    def _template_for(self, section: SourceSection) -> SectionTemplate:
        digest = section.key.partition("-")[0]
        cached = self._cache.get(digest)
        if cached is not None:
            self._cache.move_to_end(digest)
            self.stats.cache_hits += 1
            return cached
        template = make_template(self._sanitizer.clean(self._render_text(section.text)))
        self.stats.sections_rendered += 1
        if self._cache_size > 0:
            self._cache[digest] = template
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return template

    def _render_text(self, text: str) -> str:
        md = markdown_parser()
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
        md = markdown_parser()
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
