"""`--entry SLUG` updates pages of an existing site, and says so when the folder holds no site."""

from __future__ import annotations

import re
from pathlib import Path

from export_helpers import parse_page

from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

WAL = "reading-the-wal-by-hand"


def test_one_entry_into_a_fresh_folder_warns_that_its_links_lead_nowhere_yet(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    report = samples.exports.export(ExportOptions(out=out, slugs=(WAL,)))
    (warning,) = report.warnings
    match = re.fullmatch(
        rf"--entry updates pages of an existing site: (\d+) links point at pages not in {re.escape(str(out))}; "
        r"export the whole site there once, without --entry\.",
        warning,
    )
    assert match is not None, warning
    page = out / WAL / "index.html"
    local = {v for _, _, v in parse_page(page).links if not v.startswith(("#", "http")) and not v.endswith(".css")}
    assert int(match.group(1)) == len(local)  # home, now, feed, category, tags and "More field notes"
    assert "../now/index.html" in local  # kept: the page is meant to sit in the site


def test_one_entry_into_an_exported_site_updates_it_without_a_warning(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    samples.exports.export(ExportOptions(out=out))
    report = samples.exports.export(ExportOptions(out=out, slugs=(WAL,)))
    assert report.warnings == ()
