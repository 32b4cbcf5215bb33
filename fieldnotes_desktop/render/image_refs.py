"""How an entry's Markdown points at its stored images: the destination it writes, and reading them back."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, unquote

# `![alt](dest "title")`, the destination bare or between `<` and `>` (where it may hold spaces).
IMAGE_REF = re.compile(r'(!\[[^\[\]]*+\]\(\s*+)(?:<([^<>\n]++)>|([^()\s<>]++))((?:\s++"[^"]*+")?\s*+\))')


def asset_destination(filename: str) -> str:
    """How a Markdown image names the stored asset `filename`, so that it parses whatever its name:
    `assets/ridge.svg`, `<assets/summit view.jpg>` (a space or a bracket would end the link
    early), or percent-encoded when the name holds `<`, `>` or a line break. The renderer
    decodes each back to the name."""
    path = f"assets/{filename}"
    if _PLAIN.fullmatch(filename):
        return path
    if any(c in filename for c in "<>\n\r"):
        return quote(path, safe="/")
    return f"<{path}>"


_PLAIN = re.compile(r"[\w.\-]+")  # letters, digits, _ . - : a destination as it is


def image_refs(body: str) -> tuple[str, ...]:
    """The local images `body` points at, as file paths (decoded), in order, each once."""
    found = (unquote(m.group(2) or m.group(3)) for m in IMAGE_REF.finditer(body))
    return tuple(dict.fromkeys(ref for ref in found if "://" not in ref and not ref.startswith("data:")))


def repoint_images(body: str, stored: Callable[[str], str | None]) -> str:
    """`body` with each local image that `stored(ref)` names pointing at that stored asset."""

    def replace(match: re.Match[str]) -> str:
        name = stored(unquote(match.group(2) or match.group(3)))
        return match.group(0) if name is None else f"{match.group(1)}{asset_destination(name)}{match.group(4)}"

    return IMAGE_REF.sub(replace, body)
