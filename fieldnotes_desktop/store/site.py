"""The one row holding the site profile: read (made on first use) and changed."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from sqlalchemy.orm import Session

from fieldnotes_desktop.records import SiteProfile
from fieldnotes_desktop.store.models import SiteRow

FIELDS = tuple(f.name for f in dataclasses.fields(SiteProfile))


def site_profile(session: Session) -> SiteProfile:
    return _to_record(_row(session))


def change_site(session: Session, changes: Mapping[str, str]) -> SiteProfile:
    """Writes `changes` (SiteProfile attribute names, checked by the caller) as they are."""
    row = _row(session)
    for name, value in changes.items():
        if name not in FIELDS:
            raise ValueError(f"not a site setting: {name!r}")  # a programming error
        setattr(row, name, value)
    return _to_record(row)


def _row(session: Session) -> SiteRow:
    row = session.get(SiteRow, 1)
    if row is None:
        row = SiteRow(id=1, title="Field Notes")
        session.add(row)
        session.flush()
    return row


def _to_record(row: SiteRow) -> SiteProfile:
    return SiteProfile(**{name: getattr(row, name) for name in FIELDS})
