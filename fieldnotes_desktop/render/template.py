"""Keep a rendered section reusable at any line offset and with any heading ids."""

# A section's sanitized HTML is cut at each `data-line` value and each heading `id`,
# so placing the cached section elsewhere in the document (lines inserted above it) or
# next to a new duplicate heading costs a string join, not a re-render.

from __future__ import annotations

import re
from dataclasses import dataclass

from fieldnotes_desktop.render.heading_ids import unique_slug

# Sanitized HTML escapes `<` in text and `"` in attribute values, so a match that
# starts at `<` and ends with a real `"` can only be an attribute inside a tag,
# never prose that happens to read `data-line="3"`.
_TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b([^<>]*)>")
_LINE_ATTR_RE = re.compile(r'\sdata-line="(\d+)"')
_ID_ATTR_RE = re.compile(r'\sid="([^"]*)"')
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

Slot = int | str  # int: a source line relative to the section; str: a base heading slug


@dataclass(frozen=True, slots=True)
class SectionTemplate:
    """HTML pieces with the slots between them: `len(pieces) == len(slots) + 1`."""

    pieces: tuple[str, ...]
    slots: tuple[Slot, ...]

    @property
    def heading_slugs(self) -> tuple[str, ...]:
        """The base slugs of the section's headings, in order."""
        return tuple(slot for slot in self.slots if isinstance(slot, str))

    def heading_ids(self, taken_ids: set[str]) -> tuple[str, ...]:
        """The ids the headings take next to `taken_ids` (updated), as `fill` gives them."""
        return tuple(unique_slug(slug, taken_ids) for slug in self.heading_slugs)

    def fill(self, line_offset: int, taken_ids: set[str]) -> str:
        """HTML with absolute line numbers and ids unique among `taken_ids` (updated)."""
        return self.fill_ids(line_offset, self.heading_ids(taken_ids))

    def fill_ids(self, line_offset: int, ids: tuple[str, ...]) -> str:
        """HTML with absolute line numbers and the headings given `ids` (see `heading_ids`)."""
        if not self.slots:
            return self.pieces[0]
        out: list[str] = []
        given = iter(ids)
        for piece, slot in zip(self.pieces, self.slots):
            out.append(piece)
            out.append(str(slot + line_offset) if isinstance(slot, int) else next(given))
        out.append(self.pieces[-1])
        return "".join(out)


def make_template(html: str, line_base: int = 0) -> SectionTemplate:
    """Cut sanitized `html` at its slots; `line_base` is subtracted from line numbers."""
    pieces: list[str] = []
    slots: list[Slot] = []
    last = 0
    for tag in _TAG_RE.finditer(html):
        attributes = tag.group(2)
        if "data-line" not in attributes and tag.group(1) not in _HEADINGS:
            continue
        base = tag.start(2)
        found: list[tuple[int, int, Slot]] = []
        line = _LINE_ATTR_RE.search(attributes)
        if line is not None:
            found.append((base + line.start(1), base + line.end(1), int(line.group(1)) - line_base))
        heading_id = _ID_ATTR_RE.search(attributes) if tag.group(1) in _HEADINGS else None
        if heading_id is not None:
            found.append((base + heading_id.start(1), base + heading_id.end(1), heading_id.group(1)))
        for start, end, slot in sorted(found, key=lambda item: item[0]):
            pieces.append(html[last:start])
            slots.append(slot)
            last = end
    pieces.append(html[last:])
    return SectionTemplate(tuple(pieces), tuple(slots))
