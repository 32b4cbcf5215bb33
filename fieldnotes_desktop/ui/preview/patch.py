"""Plans the smallest change that turns the sections on screen into those of a new render."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A section's HTML carries its source lines; lines typed above it shift them and nothing else.
_LINE_ATTRS = re.compile(r' data-lines?="[^"]*"')


@dataclass(frozen=True, slots=True)
class ShownSection:
    """A section as the page holds it: headings already demoted under the title."""

    key: str
    start_line: int
    end_line: int
    html: str


@dataclass(frozen=True, slots=True)
class BodyPatch:
    """Replace the sections `remove_keys` by `insert_html`, placed before `before_key`.

    `full` means: replace the whole body with `insert_html`. `line_shift` is added to the
    source-line attributes of the kept sections after the change, so they stay true.
    """

    full: bool
    insert_html: str
    inserted_keys: tuple[str, ...]
    remove_keys: tuple[str, ...] = ()
    before_key: str | None = None
    line_shift: int = 0

    @property
    def empty(self) -> bool:
        return not self.full and not self.inserted_keys and not self.remove_keys and not self.line_shift


def full_patch(new: Sequence[ShownSection]) -> BodyPatch:
    return BodyPatch(True, "".join(s.html for s in new), tuple(s.key for s in new))


def plan_patch(old: Sequence[ShownSection] | None, new: Sequence[ShownSection]) -> BodyPatch:
    """Keeps the longest unchanged head and tail, swaps what lies between.

    Typing in one section swaps that one section; pasting a chapter in the middle swaps
    only the new sections. When more than half the document would be swapped anyway, a
    full replacement is as cheap and simpler for the page.
    """
    if old is None or not old or not new:
        return full_patch(new)
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head].key == new[head].key and old[head].html == new[head].html:
        head += 1
    shift = new[-1].end_line - old[-1].end_line
    tail = 0
    while tail < limit - head and _unchanged(old[-1 - tail], new[-1 - tail], shift):
        tail += 1
    removed = old[head : len(old) - tail]
    inserted = new[head : len(new) - tail]
    if len(removed) + len(inserted) > max(16, len(new) // 2):
        return full_patch(new)
    return BodyPatch(
        full=False,
        insert_html="".join(s.html for s in inserted),
        inserted_keys=tuple(s.key for s in inserted),
        remove_keys=tuple(s.key for s in removed),
        before_key=new[len(new) - tail].key if tail else None,
        line_shift=shift if tail else 0,
    )


def _unchanged(old: ShownSection, new: ShownSection, shift: int) -> bool:
    if old.key != new.key:
        return False
    if old.html == new.html:
        return True
    # Same text moved by `shift` lines: equal once the line attributes are set aside.
    # (A heading id renumbered by a new duplicate heading above still counts as changed.)
    return (
        shift != 0
        and new.start_line - old.start_line == shift
        and _LINE_ATTRS.sub("", old.html) == _LINE_ATTRS.sub("", new.html)
    )
