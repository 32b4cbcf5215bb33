"""Finds the file in a WordPress media folder (a copy of `wp-content/uploads`) that an image address means."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")  # as the importer stores
_UPLOADS = "/wp-content/uploads/"
_SITE_PREFIX = re.compile(r"^sites/\d+/")  # a multisite blog's uploads
# WordPress's resized copies: ridge-1024x768.jpg beside ridge.jpg.
_RESIZED = re.compile(r"^(.+)-\d+x\d+$")
# What the importer's Markdown image pattern and its body rewrite take as one address.
_PLAIN = re.compile(r"^[^\s()<>\[\]\"']+$")


def upload_path(address: str) -> str | None:
    """`2024/05/ridge.jpg` for any address under `/wp-content/uploads/` (any host: a CDN too); else None."""
    parts = urlsplit(address.strip())
    if parts.scheme not in ("", "http", "https"):
        return None
    path = unquote(parts.path)
    at = path.find(_UPLOADS)
    if at < 0:
        return None
    rest = path[at + len(_UPLOADS) :]
    return rest or None


class MediaFolder:
    """The image files of one media folder, looked up by the upload path an address names.

    Only regular image files inside the folder are found: a path through `..` or a link that
    leads out of it is not, so the importer never reads a file the writer did not give.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._found: dict[str, str | None] = {}

    def find(self, upload: str) -> str | None:
        """The file's path relative to the folder (`2024/05/ridge.jpg`), or None when it is not there.

        A multisite path is also tried without its `sites/N/`, and a resized copy that was not
        kept falls back to its original, which the export scales as it does any image.
        """
        if upload not in self._found:
            self._found[upload] = next(filter(None, map(self._existing, _candidates(upload))), None)
        return self._found[upload]

    def _existing(self, relative: str) -> str | None:
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or pure.suffix.lower() not in IMAGE_SUFFIXES:
            return None
        if not _PLAIN.match(relative):
            return None
        candidate = (self.root / pure).resolve()
        if not candidate.is_relative_to(self.root):
            return None
        try:
            if not stat.S_ISREG(os.stat(candidate).st_mode):
                return None
        except OSError:
            return None
        return relative


def _candidates(upload: str) -> list[str]:
    paths = [upload]
    unprefixed = _SITE_PREFIX.sub("", upload)
    if unprefixed != upload:
        paths.append(unprefixed)
    for path in list(paths):
        pure = PurePosixPath(path)
        resized = _RESIZED.match(pure.stem)
        if resized:
            paths.append(str(pure.with_name(resized.group(1) + pure.suffix)))
    return paths
