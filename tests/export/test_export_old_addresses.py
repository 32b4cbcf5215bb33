"""An entry's old addresses from another site get redirect pages that lead to its page here."""

from __future__ import annotations

import re
from pathlib import Path

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services
from fieldnotes_desktop.services.publish import ExportOptions

REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def test_each_old_address_redirects_to_the_entry_and_a_draft_gets_none(tmp_path: Path) -> None:
    services = open_services(tmp_path / "notes.db")
    try:
        col = services.entries.create(EntryFields(
            title="The col", body="Scree.", status="finished",
            aliases=("/2019/05/the-col/", "/old/col.html", "/the-col/"),  # the last is its page here
        ))
        services.entries.create(EntryFields(title="Draft", body="x", aliases=("/2019/06/draft/",)))
        report = services.exports.export(ExportOptions(out=tmp_path / "site"))
    finally:
        services.close()
    site = tmp_path / "site"
    deep = (site / "2019" / "05" / "the-col" / "index.html").read_text(encoding="utf-8")
    assert REFRESH.search(deep).group(1) == "../../../the-col/index.html"
    assert (site / "2019" / "05" / "the-col" / "../../../the-col/index.html").resolve() == (
        site / col.slug / "index.html").resolve()
    flat = (site / "old" / "col.html").read_text(encoding="utf-8")
    assert REFRESH.search(flat).group(1) == "../the-col/index.html"
    assert "Scree." in (site / "the-col" / "index.html").read_text(encoding="utf-8")  # the page itself, kept
    assert not (site / "2019" / "06").exists()  # a draft is not published, nor redirected to
    assert report.redirected == 2
    assert "2 redirects from old addresses" in report.summary()
