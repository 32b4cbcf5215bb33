"""Images and files kept inside the database, named by their content hash."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from fieldnotes_desktop.errors import ValidationError
from fieldnotes_desktop.records import Asset
from fieldnotes_desktop.render.svg import SVG_MIME, UnsafeSvg, is_svg, sanitize_svg
from fieldnotes_desktop.services.markdown_files import printable
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import assets as asset_rows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_ASSET_BYTES = 50 * 1024 * 1024


class AssetService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, filename: str, data: bytes, mime: str | None = None) -> Asset:
        """Stores `data` once (same bytes → same asset) under a filename unique in the database."""
        with self._store.transaction() as s:
            return store_asset(s, filename, data, mime)

    def list(self) -> list[Asset]:
        with self._store.transaction() as s:
            return asset_rows.all_assets(s)

    def find(self, reference: str) -> Asset | None:
        """The asset an image reference points at: by file name (any folder) or by hash."""
        name = PurePosixPath(reference.split("?")[0].split("#")[0]).name
        with self._store.transaction() as s:
            return asset_rows.find_asset(s, name)

    def data(self, sha256: str) -> bytes:
        with self._store.transaction() as s:
            return asset_rows.asset_data(s, sha256)


def store_asset(session: Session, filename: str, data: bytes, mime: str | None = None) -> Asset:
    """Adds an asset inside the caller's transaction, or returns the one with the same bytes.

    The one way in for images, imported or pasted: an SVG is stored only as `sanitize_svg`
    returns it, so what is hashed, previewed and published can run no script.
    """
    if len(data) > MAX_ASSET_BYTES:
        raise ValidationError(f"{printable(filename)} is larger than 50 MB; use a smaller image.")
    if is_svg(filename, mime) or _looks_like_svg(data):
        try:
            data = sanitize_svg(data)
        except UnsafeSvg as exc:
            raise ValidationError(
                f"{printable(filename)} {exc}, so it cannot be stored; save it again as a plain SVG or as a PNG."
            ) from None
        mime = SVG_MIME
    return asset_rows.add_asset(session, hashlib.sha256(data).hexdigest(), filename, data, mime)


def _looks_like_svg(data: bytes) -> bool:
    """SVG markup under another name: browsers that sniff content would still run it."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<svg" in head.lower()
