"""Images and files kept in the database by content hash: finding, reading and adding them."""

from __future__ import annotations

import datetime as dt
import mimetypes
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldnotes_desktop.errors import NotFoundError
from fieldnotes_desktop.records import Asset
from fieldnotes_desktop.store.models import AssetRow


def all_assets(session: Session) -> list[Asset]:
    return [_to_record(r) for r in session.scalars(select(AssetRow).order_by(AssetRow.filename))]


def find_asset(session: Session, name: str) -> Asset | None:
    """The asset stored under the file name `name`, else the one whose hash starts with it."""
    row = session.scalars(select(AssetRow).where(AssetRow.filename == name)).first()
    if row is None and len(name) >= 8:
        row = session.scalars(select(AssetRow).where(AssetRow.sha256.startswith(name))).first()
    return _to_record(row) if row else None


def asset_data(session: Session, sha256: str) -> bytes:
    row = session.get(AssetRow, sha256)
    if row is None:
        raise NotFoundError(f"The image {sha256[:12]}… is not in the database.")
    return bytes(row.data)


def add_asset(session: Session, digest: str, filename: str, data: bytes, mime: str | None) -> Asset:
    """Stores `data` (whose sha256 is `digest`) once: the asset with the same bytes if there is one.

    Two files of one name but other bytes both stay, the later one named `name-<hash>.ext`.
    """
    existing = session.get(AssetRow, digest)
    if existing is not None:
        return _to_record(existing)
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
    return _to_record(row)


def _to_record(row: AssetRow) -> Asset:
    return Asset(sha256=row.sha256, filename=row.filename, mime=row.mime, size=row.size)
