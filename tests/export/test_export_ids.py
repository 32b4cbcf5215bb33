"""An entry page's ids are unique: the body, the now text and the page's own regions never share one."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

PAGE_IDS = ("fn-entry-header", "fn-entry-body", "fn-entry-footer", "fn-now-title", "fn-more-title")
BODY = (
    "## Fn entry footer\n\n"
    "Body text.[^1]\n\n"
    '<h2 id="fn-entry-header">Raw</h2>\n\n'
    'An <a id="fn-more-title">anchor</a> and <a id="fn1">another</a>.\n\n'
    "## What I am reading\n\n"
    "[^1]: The body's note.\n"
)
NOW = "## What I am reading\n\nA book.[^1]\n\n[^1]: The now text's own note.\n"


def test_body_and_now_text_ids_never_collide_with_the_page_or_each_other(samples: Services, tmp_path: Path) -> None:
    samples.site.update(now_md=NOW)
    samples.entries.create(EntryFields(title="Hostile ids", status="finished", volume=3, body=BODY))
    samples.exports.export(ExportOptions(out=tmp_path / "site"))
    html = (tmp_path / "site" / "hostile-ids" / "index.html").read_text(encoding="utf-8")
    ids = Counter(re.findall(r'\sid="([^"]*)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    for page_id in PAGE_IDS:
        assert ids[page_id] == 1
    # the region the preview fills by id is the page's footer, not the writer's heading
    footer = html.index('id="fn-entry-footer"')
    assert html[html.rindex("<", 0, footer) :].startswith("<footer")
    # each footnote reference still reaches its own note
    for href in re.findall(r'href="#([^"]+)"', html):
        assert ids[href] == 1, href
