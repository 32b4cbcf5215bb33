"""The Atom feed as a strict XML parser meets it: no illegal characters, links that resolve."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from export_helpers import BASE_URL, open_sample_services

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


def _relative_urls(html: str) -> list[str]:
    urls = re.findall(r'\s(?:href|src)="([^"]*)"', html)
    return [u for u in urls if not u.startswith("#") and not urlsplit(u).scheme]


def test_without_a_base_url_every_relative_url_in_the_feed_resolves_from_the_site_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = open_sample_services(tmp_path / "db.sqlite", monkeypatch, base_url="")
    try:
        services.entries.create(
            EntryFields(
                title="Links between entries",
                status="finished",
                date=dt.date(2025, 3, 19),
                body=(
                    "See [the log](../reading-the-wal-by-hand/) and [its page](../reading-the-wal-by-hand/index.html#top),"
                    " [home](../index.html), [here](./) and [a note](#fn1).\n\n"
                    "![The ridge](images/ridgeline.svg)\n"
                ),
            )
        )
        services.exports.export(ExportOptions(out=tmp_path / "site"))
    finally:
        services.close()
    root = (tmp_path / "site").resolve()
    feed = feedparser.parse((root / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    checked = 0
    for item in feed.entries:
        for url in _relative_urls(item.content[0].value):
            target = (root / unquote(urlsplit(url).path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file() and target.is_relative_to(root), f"{item.title}: {url!r} leads nowhere"
            checked += 1
    assert checked >= 6  # two images and the links above


def test_with_a_base_url_feed_links_are_absolute_and_land_on_the_entry_pages(samples: Services, tmp_path: Path) -> None:
    samples.entries.create(
        EntryFields(title="Pointer", status="finished", body="[The log](../reading-the-wal-by-hand/) and ![x](images/ridgeline.svg)\n")
    )
    samples.exports.export(ExportOptions(out=tmp_path / "site"))
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    content = next(e for e in feed.entries if e.title == "Pointer").content[0].value
    assert f'href="{BASE_URL}reading-the-wal-by-hand/"' in content
    assert re.search(rf'src="{re.escape(BASE_URL)}assets/[0-9a-f]{{16}}\.svg"', content)
    assert not _relative_urls(content)
