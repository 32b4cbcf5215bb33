"""Whether an image's alt text tells a reader who cannot see it anything, and the images of a page that lack it.

One test for every caller: the export warns with it, and the pre-publish checks can too.
"""

from __future__ import annotations

import html
import re
from pathlib import PurePosixPath

_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
# Sanitized HTML (render/sanitize.py) writes every attribute as name="value", `"` escaped.
_ATTRIBUTE = re.compile(r'\s([a-z]+)="([^"]*)"')
_IMAGE_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|heic|heif|avif|tiff?|bmp)$", re.IGNORECASE)
# What an editor, a phone or a screenshot tool fills in: "image", "Pasted image 3",
# "Screenshot 2024-05-01 at 10.11.12", after separators are folded to spaces.
_PLACEHOLDER = re.compile(
    r"^(?:pasted )?(?:image|img|picture|pic|photo|photograph|screenshot|screen shot|untitled|"
    r"alt|alt text|figure|graphic)(?: [\d ]*(?:at [\d ]+(?:am|pm)?)?)?$"
)
# A camera's or phone's file name: IMG_1234, DSC01234, PXL_20240501_101112345, 20240501_101112.
_CAMERA_NAME = re.compile(r"^(?:[a-z]{2,6}[_-]?\d{3,}(?:[_-][a-z0-9]+)*|\d{8}[_-]\d{6}\w*)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s_.\-]+")


def is_real_alt_text(alt: str, filename: str = "") -> bool:
    """False for alt text that says nothing about the image: none at all, its file name
    (`filename`, with or without the extension), a placeholder such as "image" or "Screenshot",
    or a camera's name for the file (IMG_1234)."""
    text = alt.strip()
    if not any(c.isalnum() for c in text):
        return False
    if _IMAGE_SUFFIX.search(text) or _CAMERA_NAME.match(_IMAGE_SUFFIX.sub("", text)):
        return False
    folded = _fold(text)
    if _PLACEHOLDER.match(folded):
        return False
    name = PurePosixPath(filename).name
    return not name or folded not in (_fold(name), _fold(_IMAGE_SUFFIX.sub("", name)))


def images_in(html_text: str) -> list[tuple[str, str]]:
    """The `(src, alt)` of each image in sanitized HTML, in order, unescaped ("" for a missing alt)."""
    found = []
    for tag in _IMG_TAG.findall(html_text):
        attributes = {name.lower(): html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}
        found.append((attributes.get("src", ""), attributes.get("alt", "")))
    return found


def _fold(text: str) -> str:
    return _SEPARATORS.sub(" ", text.lower()).strip()
