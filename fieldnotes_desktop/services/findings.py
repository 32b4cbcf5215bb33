"""The pre-publish checks' findings: what each kind says to the writer, their order, and one entry's share of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from fieldnotes_desktop.export.context import counted, date_label
from fieldnotes_desktop.records import ERROR, WARNING, Finding

BROKEN_LINK = "broken-link"
LINK_TO_DRAFT = "link-to-draft"
ALT_TEXT = "alt-text"
MISSING_IMAGE = "missing-image"
HUGE_IMAGE = "huge-image"
NO_SUMMARY = "no-summary"
DUPLICATE_TITLE = "duplicate-title"
NO_SITE_ADDRESS = "no-site-address"
FUTURE_DATE = "future-date"
LEVELS = {
    BROKEN_LINK: ERROR, LINK_TO_DRAFT: ERROR, MISSING_IMAGE: ERROR,
    ALT_TEXT: WARNING, HUGE_IMAGE: WARNING, NO_SUMMARY: WARNING, DUPLICATE_TITLE: WARNING,
    NO_SITE_ADDRESS: WARNING, FUTURE_DATE: WARNING,
}  # fmt: skip

# Past this many findings of one kind in one entry, one more finding counts the rest: a body
# imported with a hundred thousand dead links needs one line saying so, not a hundred thousand.
SHOWN_PER_KIND = 25

_NOT_PUBLISHED = {
    "draft": "a draft, which is not published; finish that entry or remove the link",
    "scheduled": "an entry scheduled for later, not yet on the site; link to it once it is out, or remove the link",
    "trash": "an entry in the trash; restore it or remove the link",
}


class Findings(tuple[Finding, ...]):
    """The findings of one run of the checks, in their order, and how many entries it looked at."""

    entries: int

    def __new__(cls, findings: Iterable[Finding], entries: int) -> Findings:
        made = super().__new__(cls, sorted(findings, key=_order))
        made.entries = entries
        return made

    @property
    def errors(self) -> int:
        return sum(1 for f in self if f.level == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self if f.level == WARNING)

    def summary(self) -> str:
        """`2 errors and 3 warnings in 8 entries.`, or `No problems found in 8 entries.`"""
        checked = counted(self.entries, "entry", "entries")
        if not self:
            return f"No problems found in {checked}."
        return f"{counted(self.errors, 'error')} and {counted(self.warnings, 'warning')} in {checked}."


def _order(finding: Finding) -> tuple[int, str, int, str, str]:
    """Errors first, then by entry, then down the entry's lines (its own findings before them)."""
    return (finding.level != ERROR, finding.slug, finding.line or 0, finding.code, finding.message)


class EntryFindings:
    """One entry's findings as they are met, at most `SHOWN_PER_KIND` of each kind and the rest counted."""

    def __init__(self, slug: str, entry_id: int) -> None:
        self.slug, self.entry_id = slug, entry_id
        self.found: list[Finding] = []
        self._seen: set[tuple[str, int | None, str]] = set()
        self._shown: dict[str, int] = {}
        self._more: dict[str, int] = {}

    def add(self, code: str, message: str, line: int | None = None) -> None:
        shown = self._shown.get(code, 0)
        if shown >= SHOWN_PER_KIND:
            self._more[code] = self._more.get(code, 0) + 1  # counted, not kept
            return
        key = (code, line, message)
        if key in self._seen:
            return  # the same link twice on one line is one thing to fix
        self._seen.add(key)
        self._shown[code] = shown + 1
        self.found.append(Finding(LEVELS[code], code, self.slug, self.entry_id, line, message))

    def finish(self) -> list[Finding]:
        for code, more in self._more.items():
            self.found.append(Finding(
                LEVELS[code], code, self.slug, self.entry_id, None,
                f"{more:,} more {'finding' if more == 1 else 'findings'} of the kind “{code}” in this entry "
                f"{'is' if more == 1 else 'are'} not listed; fix the ones shown and check again.",
            ))
        return self.found


# -- what each finding says ----------------------------------------------------------------
# Each names what it is about through `_cut`: a hostile body's thousand-character address is no name.


def _cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def no_entry(target: str, line: int) -> str:
    return f"Link to “{_cut(target)}” on line {line} leads to no entry; fix the slug or remove the link."


def not_published(target: str, line: int, status: str) -> str:
    why = _NOT_PUBLISHED.get(status, _NOT_PUBLISHED["draft"])
    return f"Link to “{_cut(target)}” on line {line} leads to {why}."


def missing_anchor(target: str, anchor: str, line: int, *, page_name: str | None = None) -> str:
    """`target` "" for a link to an anchor of the entry itself; `page_name`: what the page calls
    the hand-written id the link meant (the renderer writes `id="x"` as `user-x`)."""
    written = _cut(f"{target}#{anchor}" if target else f"#{anchor}")
    if page_name is not None:
        return (
            f"Link to “{written}” on line {line} leads to no anchor, because the published page names "
            f"it “{_cut(page_name)}”; link to “#{_cut(page_name)}” instead."
        )
    whose = "that entry" if target else "this entry"
    return (
        f"Link to “{written}” on line {line} leads to no heading of {whose}; "
        "match it to a heading's anchor or remove the link."
    )


def inside_own_folder(written: str, slug: str, line: int) -> str:
    return (
        f"Link to “{_cut(written)}” on line {line} leads inside this entry's own folder on the published site; "
        f"write it as “../{_cut(slug)}/”."
    )


def alt_text(name: str, line: int) -> str:
    return (
        f"The image “{_cut(name)}” on line {line} has no alt text that says what it shows; "
        "describe it for readers who cannot see it."
    )


def missing_image(reference: str, line: int) -> str:
    return f"The image “{_cut(reference)}” on line {line} is not in the database; add the image again or correct its name."


def missing_cover(name: str) -> str:
    return f"The cover image “{_cut(name)}” is not in the database; add the image again or correct the cover's name."


def huge_image(name: str, size: int, line: int | None) -> str:
    """`line` None for the entry's cover."""
    where = f"The image “{_cut(name)}” on line {line}" if line is not None else f"The cover image “{_cut(name)}”"
    return f"{where} is {size / (1024 * 1024):.1f} MB, slow to load on a phone; store a smaller copy (under 1 MB)."


def no_summary(title: str) -> str:
    return (
        f"{_named(title)} has no summary, so the index and the feed show its opening lines; "
        "write a sentence or two as its summary."
    )


def duplicate_title(title: str, others: Sequence[str]) -> str:
    shown = [f"“{_cut(slug)}”" for slug in others[:3]]
    if len(others) > 3:
        shown.append(counted(len(others) - 3, "more entry", "more entries"))
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return (
        f"{_named(title)} is also the title of {listed}; give each a title of its own so readers can tell them apart."
    )


def no_site_address() -> str:
    return (
        "The site has no address, so feed.xml links relatively and no sitemap.xml is written; set it in "
        "Site settings (or `fieldnotes site --base-url https://…`)."
    )


def future_date(title: str, day: dt.date) -> str:
    return (
        f"{_named(title)} is finished but dated {date_label(day)}, after today; "
        "correct the date, or schedule it to appear then."
    )


def _named(title: str) -> str:
    return f"“{_cut(title.strip())}”" if title.strip() else "An untitled entry"
