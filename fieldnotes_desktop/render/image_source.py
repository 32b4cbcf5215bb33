"""What an `<img>` of a body carries besides its address: its intrinsic size, its smaller copies, how it loads."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

# A tag of sanitized HTML: its attribute values are always double-quoted with `"` escaped, so a
# `>` inside one (an alt text may hold it) is skipped over by the quoted alternative.
_IMG_TAG = re.compile(r'<img\b((?:[^>"]|"[^"]*")*)>', re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\s([a-zA-Z][\w:-]*)(?:="([^"]*)")?')


@dataclass(frozen=True, slots=True)
class ImageSource:
    """An image address with what the page should say about it (an `image_url` hook may answer one).

    `width`/`height` are the size the image shows at (EXIF orientation applied), so the page keeps
    its room before the image arrives; `srcset`/`sizes` offer its smaller copies; `lazy` False
    for a page whose images are all at hand already (data URIs of a single file, a print).
    """

    url: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    sizes: str = ""
    lazy: bool = True


def add_image_attributes(fragment: str, sources: Mapping[str, ImageSource]) -> str:
    """Sanitized `fragment` with each `<img>` told its size and copies (from `sources`, by the
    address it ended up with) and to load lazily and decode off the main thread.

    What a writer's raw HTML said already is kept: a `width` or `height` of theirs means the
    intrinsic size is not added, since the pair would then disagree.
    """
    if "<img" not in fragment and "<IMG" not in fragment:
        return fragment

    def complete(match: re.Match[str]) -> str:
        attributes = match.group(1)
        present = {m.group(1).lower(): m.group(2) for m in _ATTRIBUTE.finditer(attributes)}
        source = sources.get(html.unescape(present.get("src") or ""))
        extra: list[tuple[str, str]] = []
        if source is not None:
            if source.width and source.height and "width" not in present and "height" not in present:
                extra += [("width", str(source.width)), ("height", str(source.height))]
            if source.srcset and "srcset" not in present:
                extra += [("srcset", source.srcset), ("sizes", source.sizes or "100vw")]
        lazy = source.lazy if source is not None else True
        if lazy:
            extra += [(name, value) for name, value in (("loading", "lazy"), ("decoding", "async")) if name not in present]
        if not extra:
            return match.group(0)
        added = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in extra)
        return f"<img{attributes}{added}>"  # nh3 writes void elements without a closing slash

    return _IMG_TAG.sub(complete, fragment)
