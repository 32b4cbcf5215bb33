"""The export's warnings about images whose alt text says nothing: one line per entry, the first few entries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from fieldnotes_desktop.export.context import counted
from fieldnotes_desktop.records import EntrySummary
from fieldnotes_desktop.render.alt_text import images_in, is_real_alt_text

# Entries named one a line; past these, one more line counts the rest (a site imported from
# elsewhere may have hundreds, and a wall of warnings hides the others).
NAMED_ENTRIES = 8
NAMED_IMAGES = 3


def image_name(src: str) -> str:
    """The file name an image address ends in, for a writer to recognise it."""
    return unquote(PurePosixPath(urlsplit(src).path).name) or src


class AltTextCheck:
    """Looks at each page's body as it is built and keeps, by entry, the images without real alt text."""

    def __init__(self) -> None:
        self._found: list[tuple[EntrySummary, list[str]]] = []

    def check(self, entry: EntrySummary, body_html: str, name_of: Callable[[str], str | None]) -> None:
        """`name_of` turns a published image address (`../assets/3f2a….jpg`) back into the name
        the writer knows the image by; None when it cannot (then the address's file name is used)."""
        if "<img" not in body_html:
            return
        lacking = []
        for src, alt in images_in(body_html):
            name = name_of(src) or image_name(src)
            if not is_real_alt_text(alt, name):
                lacking.append(name)
        if lacking:
            self._found.append((entry, lacking))

    def warnings(self) -> list[str]:
        lines = [_line(entry, names) for entry, names in self._found[:NAMED_ENTRIES]]
        rest = self._found[NAMED_ENTRIES:]
        if rest:
            images = sum(len(names) for _entry, names in rest)
            verb = "has" if len(rest) == 1 else "have"
            lines.append(
                f"{counted(len(rest), 'more entry', 'more entries')} {verb} "
                f"{counted(images, 'image')} without real alt text."
            )
        return lines


def _line(entry: EntrySummary, names: list[str]) -> str:
    shown = ", ".join(names[:NAMED_IMAGES]) + (", …" if len(names) > NAMED_IMAGES else "")
    return (
        f"“{entry.title or 'Untitled'}” ({entry.slug}): {counted(len(names), 'image')} without real alt text "
        f"({shown}); describe what each shows for readers who cannot see it."
    )
