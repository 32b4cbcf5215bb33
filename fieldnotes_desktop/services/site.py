"""The site profile: title, author card, the "now" text and the base URL of the published site."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlparse

from sqlalchemy.orm import Session

from fieldnotes_desktop.errors import ValidationError
from fieldnotes_desktop.records import SiteProfile
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store.models import SiteRow

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
FIELDS = tuple(f.name for f in dataclasses.fields(SiteProfile))


class SiteService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self) -> SiteProfile:
        with self._store.transaction() as s:
            return _to_record(self._row(s))

    def update(self, **changes: str) -> SiteProfile:
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise ValidationError(f"Unknown site setting: {', '.join(sorted(unknown))}.")
        if "base_url" in changes:
            changes["base_url"] = _check_base_url(changes["base_url"])
        if "language" in changes and not _LANGUAGE.match(changes["language"].strip()):
            raise ValidationError(
                f"“{changes['language']}” is not a language code; use one like en, de or pt-BR."
            )
        if "title" in changes and not changes["title"].strip():
            raise ValidationError("The site needs a title, such as “Field Notes”.")
        with self._store.transaction() as s:
            row = self._row(s)
            for name, value in changes.items():
                setattr(row, name, value if name == "now_md" else value.strip())
            return _to_record(row)

    @staticmethod
    def _row(session: Session) -> SiteRow:
        row = session.get(SiteRow, 1)
        if row is None:
            row = SiteRow(id=1, title="Field Notes")
            session.add(row)
            session.flush()
        return row


def _check_base_url(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValidationError(
            f"“{url}” is not a web address; give the site's address like https://example.com/blog/."
        )
    return url if url.endswith("/") else url + "/"


def _to_record(row: SiteRow) -> SiteProfile:
    return SiteProfile(**{name: getattr(row, name) for name in FIELDS})
