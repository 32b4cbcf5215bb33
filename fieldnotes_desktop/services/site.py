"""The site profile: title, author card, the "now" text and the base URL of the published site."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from fieldnotes_desktop.errors import PublishFailed, ValidationError
from fieldnotes_desktop.export.targets.address import Kind, parse_target
from fieldnotes_desktop.records import SiteProfile
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import site as site_rows

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
FIELDS = site_rows.FIELDS
TYPOGRAPHY = ("smart", "plain")


def checked_language(code: str, *, allow_empty: bool = False) -> str:
    """`code` stripped, or a ValidationError saying what a language code looks like."""
    code = code.strip()
    if (code or not allow_empty) and not _LANGUAGE.match(code):
        raise ValidationError(f"“{code}” is not a language code; use one like en, de or pt-BR.", field="language")
    return code


class SiteService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self) -> SiteProfile:
        with self._store.transaction() as s:
            return site_rows.site_profile(s)

    def update(self, **changes: str) -> SiteProfile:
        """Changes the settings named by their SiteProfile attributes; a refusal names the one refused."""
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise ValidationError(f"Unknown site setting: {', '.join(unknown)}.", field=unknown[0])
        if "base_url" in changes:
            changes["base_url"] = _check_base_url(changes["base_url"])
        if "language" in changes:
            changes["language"] = checked_language(changes["language"])
        if "typography" in changes and changes["typography"].strip() not in TYPOGRAPHY:
            raise ValidationError(
                f"“{changes['typography']}” is not a typography setting; use “smart” (curly quotes, "
                "dashes and ellipses) or “plain” (as typed).",
                field="typography",
            )
        if changes.get("publish_to", "").strip():
            changes["publish_to"] = _check_target(changes["publish_to"])
        if "title" in changes and not changes["title"].strip():
            raise ValidationError("The site needs a title, such as “Field Notes”.", field="title")
        # The "now" text is Markdown, where leading spaces and a last line break can matter.
        cleaned = {name: value if name == "now_md" else value.strip() for name, value in changes.items()}
        with self._store.transaction() as s:
            return site_rows.change_site(s, cleaned)


def _check_base_url(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValidationError(
            f"“{url}” is not a web address; give the site's address like https://example.com/blog/.",
            field="base_url",
        )
    return url if url.endswith("/") else url + "/"


def _check_target(text: str) -> str:
    """A target is checked when saved, so a typo is found now and not at the next publish; a
    relative folder is saved whole, or the app started elsewhere would publish elsewhere."""
    try:
        address = parse_target(text)
    except PublishFailed as exc:
        raise ValidationError(str(exc), field="publish_to") from None
    if address.kind is Kind.FOLDER and not text.strip().startswith("file:"):
        return str(Path(address.path).absolute())
    return text
