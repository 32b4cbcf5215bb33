"""Masthead numbers (DESIGN §2): finished entries of a volume, by date then creation, oldest 01."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fieldnotes_desktop.records import EntryFields, EntryFilter
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

DRAFT = "a-garden-at-fourteen-hundred-metres"
UNBOUND = "why-i-keep-field-notes"


def _mastheads(out: Path) -> dict[str, str]:
    """Each entry page's masthead as text, by slug."""
    found = {}
    for page in out.glob("*/index.html"):
        match = re.search(r'<p class="masthead">(.*?)</p>', page.read_text(encoding="utf-8"))
        if match is not None and 'id="fn-entry-header"' in page.read_text(encoding="utf-8"):
            found[page.parent.name] = re.sub(r"<[^>]+>", "", match.group(1))
    return found


def test_drafts_exported_with_include_drafts_get_no_number_and_change_no_total(
    samples: Services, tmp_path: Path
) -> None:
    samples.entries.create(
        EntryFields(title="Second garden draft", status="draft", volume=2, date=dt.date(2025, 2, 1), category="Mountains")
    )
    samples.exports.export(ExportOptions(out=tmp_path / "site", include_drafts=True))
    mastheads = _mastheads(tmp_path / "site")
    assert mastheads[DRAFT] == "VOL.02 — FIELD NOTES Draft"
    assert mastheads["second-garden-draft"] == "VOL.02 — FIELD NOTES Draft"
    numbered = [m for slug, m in mastheads.items() if m.startswith("VOL.02") and "ENTRY" in m]
    assert sorted(m[-5:] for m in numbered) == ["01/03", "02/03", "03/03"]


def test_the_preview_of_a_draft_still_shows_the_number_it_would_get(samples: Services) -> None:
    draft = samples.entries.get_by_slug(DRAFT)
    assert samples.exports.page_context(draft).masthead == "VOL.02 — FIELD NOTES · ENTRY 04/04"


def test_entries_of_one_day_are_numbered_in_the_order_they_were_created(samples: Services, tmp_path: Path) -> None:
    day = dt.date(2023, 5, 1)
    for title in ("Morning", "Noon", "Evening"):
        samples.entries.create(EntryFields(title=title, status="finished", volume=9, date=day))
    samples.entries.create(EntryFields(title="Day before", status="finished", volume=9, date=day - dt.timedelta(days=1)))
    for run in ("one", "two"):
        samples.exports.export(ExportOptions(out=tmp_path / run))
        mastheads = _mastheads(tmp_path / run)
        assert [mastheads[s][-5:] for s in ("day-before", "morning", "noon", "evening")] == [
            "01/04", "02/04", "03/04", "04/04",
        ]
    # the preview counts the same way, straight from the database
    noon = samples.entries.get_by_slug("noon")
    assert samples.exports.page_context(noon).number_label == "ENTRY 03/04"


def test_an_entry_without_a_volume_has_just_the_site_title(samples: Services, tmp_path: Path) -> None:
    samples.entries.create(EntryFields(title="Also unbound", status="finished", date=dt.date(2024, 8, 19)))
    samples.exports.export(ExportOptions(out=tmp_path / "site"))
    mastheads = _mastheads(tmp_path / "site")
    assert mastheads[UNBOUND] == "FIELD NOTES"
    assert mastheads["also-unbound"] == "FIELD NOTES"
    assert samples.exports.page_context(samples.entries.get_by_slug(UNBOUND)).masthead == "FIELD NOTES"


def test_the_preview_reads_the_same_numbers_and_links_as_the_export_and_follows_saves(
    samples: Services, tmp_path: Path
) -> None:
    samples.exports.export(ExportOptions(out=tmp_path / "site"))
    mastheads = _mastheads(tmp_path / "site")
    for summary in samples.entries.list_summaries(EntryFilter(status="finished")):
        ctx = samples.exports.page_context(samples.entries.get(summary.id))
        assert ctx.masthead == mastheads[summary.slug], summary.slug
        page = (tmp_path / "site" / summary.slug / "index.html").read_text(encoding="utf-8")
        more = re.findall(r'<li><a href="([^"]+)">', page[page.index('class="more"') :])
        assert [link.href for link in ctx.more] == more, summary.slug
    # moved to the front of its volume: the very next call says so, nothing cached goes stale
    shell = samples.entries.get_by_slug("shell-scripts-for-any-sh")
    assert samples.exports.page_context(shell).number_label == "ENTRY 03/03"
    samples.entries.update(shell.id, EntryFields(date=dt.date(2025, 1, 1)))
    assert samples.exports.page_context(samples.entries.get(shell.id)).number_label == "ENTRY 01/03"


def test_the_preview_names_archives_from_finished_entries_only_as_the_export_does(
    samples: Services, tmp_path: Path
) -> None:
    # "+C" would sort before "C" and take the folder `c`, were drafts counted
    samples.entries.create(EntryFields(title="Draft rival", status="draft", category="+C", tags=("+go",)))
    samples.entries.create(EntryFields(title="Published", status="finished", category="C", tags=("go",)))
    samples.exports.export(ExportOptions(out=tmp_path / "site"))
    assert (tmp_path / "site" / "category" / "c").is_dir() and (tmp_path / "site" / "tag" / "go").is_dir()
    ctx = samples.exports.page_context(samples.entries.get_by_slug("published"))
    assert ctx.category_href == "../category/c/index.html"
    assert [t.href for t in ctx.tags] == ["../tag/go/index.html"]
