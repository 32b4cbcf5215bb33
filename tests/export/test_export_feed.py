"""The Atom feed as a strict XML parser meets it: no illegal characters, links that resolve."""

from __future__ import annotations

from pathlib import Path

import feedparser

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions


def test_control_characters_pasted_into_an_entry_do_not_break_the_feed(samples: Services, tmp_path: Path) -> None:
    samples.entries.create(
        EntryFields(
            title="Colours\x0b in the terminal",
            status="finished",
            category="Tool\x08ing",
            tags=("ansi\x08", "shell"),
            summary="Escapes\x1b everywhere.",
            body="Pasted from a terminal:\n\n```\n\x1b[31mred\x1b[0m and a form feed\x0c\n```\n",
        )
    )
    samples.exports.export(ExportOptions(out=tmp_path / "site"))
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    item = next(e for e in feed.entries if e.title.startswith("Colours"))
    assert item.title == "Colours in the terminal"
    assert {t.term for t in item.tags} >= {"Tooling", "ansi", "shell"}
    assert item.summary == "Escapes everywhere."
    assert "[31mred" in item.content[0].value and "\x1b" not in item.content[0].value
