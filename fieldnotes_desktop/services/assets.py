"""Images and files kept inside the database, named by their content hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldnotes_desktop.errors import NotFoundError, ValidationError
from fieldnotes_desktop.records import Asset
from fieldnotes_desktop.render.svg import SVG_MIME, UnsafeSvg, is_svg, sanitize_svg
from fieldnotes_desktop.services.markdown_files import printable
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store.models import AssetRow

MAX_ASSET_BYTES = 50 * 1024 * 1024


class AssetService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, filename: str, data: bytes, mime: str | None = None) -> Asset:
        """Stores `data` once (same bytes → same asset) under a filename unique in the database."""
        with self._store.transaction() as s:
            return _to_record(store_asset(s, filename, data, mime))

    def list(self) -> list[Asset]:
        with self._store.transaction() as s:
            return [_to_record(r) for r in s.scalars(select(AssetRow).order_by(AssetRow.filename))]

    def find(self, reference: str) -> Asset | None:
        """The asset an image reference points at: by file name (any folder) or by hash."""
        name = PurePosixPath(reference.split("?")[0].split("#")[0]).name
        with self._store.transaction() as s:
            row = s.scalars(select(AssetRow).where(AssetRow.filename == name)).first()
            if row is None and len(name) >= 8:
                row = s.scalars(select(AssetRow).where(AssetRow.sha256.startswith(name))).first()
            return _to_record(row) if row else None

    def data(self, sha256: str) -> bytes:
        with self._store.transaction() as s:
            row = s.get(AssetRow, sha256)
            if row is None:
                raise NotFoundError(f"The image {sha256[:12]}… is not in the database.")
            return bytes(row.data)


def store_asset(session: Session, filename: str, data: bytes, mime: str | None = None) -> AssetRow:
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
    digest = hashlib.sha256(data).hexdigest()
    existing = session.get(AssetRow, digest)
    if existing is not None:
        return existing
    name = PurePosixPath(filename.replace("\\", "/")).name or f"asset-{digest[:8]}"
    if session.scalars(select(AssetRow.sha256).where(AssetRow.filename == name)).first():
        stem, dot, ext = name.rpartition(".")
        name = f"{stem}-{digest[:8]}.{ext}" if dot else f"{name}-{digest[:8]}"
    row = AssetRow(
        sha256=digest,
        filename=name,
        mime=mime or mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(data),
        data=data,
        created_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
    )
    session.add(row)
    session.flush()
    return row


def _looks_like_svg(data: bytes) -> bool:
    """SVG markup under another name: browsers that sniff content would still run it."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<svg" in head.lower()


def _to_record(row: AssetRow) -> Asset:
    return Asset(sha256=row.sha256, filename=row.filename, mime=row.mime, size=row.size)
