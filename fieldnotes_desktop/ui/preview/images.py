"""What the preview knows of the stored images: names read on the database lane, looked up anywhere."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Protocol

from fieldnotes_desktop.export.images import is_external
from fieldnotes_desktop.records import Asset
from fieldnotes_desktop.ui.preview.scheme import asset_url


class AssetSource(Protocol):
    def list(self) -> list[Asset]: ...

    def data(self, sha256: str) -> bytes: ...


class AssetIndex:
    """Image records by file name, so the renderer on the compute lane resolves references without the database.

    `reload()` and `load()` read the database and run on the database lane; `url_for()` only
    reads the index and runs on the compute lane. The index is swapped whole under a lock.
    Given a way to reach the images (`Callable`), it asks for them there, at each read: the
    window's store opens on that lane after its first screen.
    """

    def __init__(self, assets: AssetSource | Callable[[], AssetSource]) -> None:
        self._assets: Callable[[], AssetSource] = assets if callable(assets) else lambda: assets
        self._lock = threading.Lock()
        self._by_name: dict[str, Asset] = {}

    def reload(self) -> int:
        records = self._assets().list()
        by_name = {asset.filename: asset for asset in records}
        with self._lock:
            self._by_name = by_name
        return len(by_name)

    def add(self, assets: list[Asset]) -> None:
        """Images just stored (pasted, dropped): known before their Markdown reaches the preview."""
        with self._lock:
            self._by_name = {**self._by_name, **{a.filename: a for a in assets}}

    def find(self, reference: str) -> Asset | None:
        """The asset a reference points at: by file name (any folder) or by the start of its hash."""
        name = PurePosixPath(reference.split("?")[0].split("#")[0]).name
        with self._lock:
            by_name = self._by_name
        found = by_name.get(name)
        if found is None and len(name) >= 8:
            found = next((a for a in by_name.values() if a.sha256.startswith(name)), None)
        return found

    def url_for(self, reference: str) -> str | None:
        """The preview address of a stored image, or None to leave the reference as written."""
        if is_external(reference):
            return None  # the page's policy and the request guard stop it
        asset = self.find(reference)
        return asset_url(asset.filename) if asset is not None else None

    def load(self, name: str) -> tuple[bytes, bytes] | None:
        """(mime, bytes) of the image the scheme handler was asked for; database lane only."""
        asset = self.find(name)
        if asset is None or asset.filename != name:
            return None
        return asset.mime.encode("ascii", "replace"), self._assets().data(asset.sha256)
