"""Image references in entries: resolved to stored assets, published under content-hashed names."""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Callable
from pathlib import PurePosixPath

from fieldnotes_desktop.records import Asset
from fieldnotes_desktop.render.image_source import ImageSource

_SAFE_SUFFIX = re.compile(r"^[a-z0-9]{1,5}$")

FindAsset = Callable[[str], Asset | None]
AssetData = Callable[[str], bytes]
# A stored image and the address it is published at → what its `<img>` says (size, copies).
Describe = Callable[[Asset, str], str | ImageSource]


def asset_path(asset: Asset) -> str:
    """`assets/<first 16 hex of sha256>.<ext>`: a changed image gets a new name, caches stay right."""
    suffix = PurePosixPath(asset.filename).suffix.lower().lstrip(".")
    if not _SAFE_SUFFIX.match(suffix):
        guessed = mimetypes.guess_extension(asset.mime or "") or ".bin"
        suffix = guessed.lstrip(".")
    return f"assets/{asset.sha256[:16]}.{suffix}"


def copy_path(asset: Asset, width: int) -> str:
    """`assets/<first 16 hex>-640.<ext>`: the smaller copy of `asset`, `width` pixels wide."""
    stem, _, suffix = asset_path(asset).rpartition(".")
    return f"{stem}-{width}.{suffix}"


def is_external(reference: str) -> bool:
    """References the export leaves as written: other sites, data URIs, in-page anchors."""
    ref = reference.strip().lower()
    return not ref or "://" in ref or ref.startswith(("data:", "//", "#", "mailto:"))


def data_uri(asset: Asset, data: bytes) -> str:
    mime = asset.mime if asset.mime.startswith("image/") else "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


class ImageResolver:
    """The `image_url` callback of one export: maps references, remembers what it needs and misses."""

    def __init__(self, find: FindAsset, url_for: Callable[[Asset], str], describe: Describe | None = None) -> None:
        """`describe`: what each image's `<img>` says beside its address (None: the address alone)."""
        self._find = find
        self._url_for = url_for
        self._describe = describe
        self._known: dict[str, Asset | None] = {}
        self.needed: dict[str, Asset] = {}
        self._by_url: dict[str, Asset] = {}  # each published address → the asset published there
        self.missing: list[tuple[str, str]] = []  # (page, reference), in the order met
        self._missing_seen: set[tuple[str, str]] = set()  # a list scan per miss adds up over a site
        self.page = ""

    def __call__(self, reference: str) -> str | ImageSource | None:
        if is_external(reference):
            return None
        if reference not in self._known:
            self._known[reference] = self._find(reference)
        asset = self._known[reference]
        if asset is None:
            if (self.page, reference) not in self._missing_seen:
                self._missing_seen.add((self.page, reference))
                self.missing.append((self.page, reference))
            return None
        self.needed.setdefault(asset.sha256, asset)
        url = self._url_for(asset)
        self._by_url[url] = asset
        return url if self._describe is None else self._describe(asset, url)

    def name_of(self, url: str) -> str | None:
        """The stored name of the image this resolver published at `url`; None for one it did not."""
        asset = self._by_url.get(url)
        return None if asset is None else asset.filename

    def asset_at(self, url: str) -> Asset | None:
        """The stored image this resolver published at `url`; None for one it did not."""
        return self._by_url.get(url)

    def warnings(self) -> list[str]:
        return [
            f"{page}: the image “{ref}” is not in the database, so it was left as written."
            for page, ref in self.missing
        ]
