"""Hostile text in entries and site settings comes out inert: no script runs, nothing redirects."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from export_helpers import parse_page

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

HOSTILE_BODY = """\
Intro <script>alert('body')</script> text.

<img src="x.png" onerror="alert('img')">

[click me](javascript:alert('link')) and [also](  JaVaScRiPt:alert(1) )

<iframe src="https://evil.example/"></iframe>

<base href="https://evil.example/">

<meta http-equiv="refresh" content="0; url=https://evil.example/">

<a href="https://ok.example/" onclick="alert('click')" style="position:fixed">styled</a>

<svg onload="alert('svg')"><circle r="4"/></svg>

<form action="https://evil.example/"><input name="q"></form>

![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
"""
HOSTILE_TEXT = "<script>alert('meta')</script>\"><img src=x onerror=alert(2)>"


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_raw_html_and_link_payloads_are_inert_everywhere(samples: Services, tmp_path: Path) -> None:
    samples.entries.create(
        EntryFields(
            title="Payloads " + HOSTILE_TEXT,
            slug="payloads",
            body=HOSTILE_BODY,
            summary=HOSTILE_TEXT,
            category=HOSTILE_TEXT,
            tags=(HOSTILE_TEXT,),
            status="finished",
        )
    )
    samples.site.update(author=HOSTILE_TEXT, role=HOSTILE_TEXT, now_md=HOSTILE_BODY)
    out = tmp_path / "site"
    samples.exports.export(ExportOptions(out=out))
    payload_page = out / "payloads" / "index.html"
    assert payload_page.is_file()
    for page in _pages(out):
        parsed = parse_page(page)
        tags = {tag for tag, _ in parsed.tags}
        assert not tags & {"script", "iframe", "base", "form", "object", "embed", "svg"}, page
        for tag, attrs in parsed.tags:
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            assert "style" not in attrs or tag in ("td", "th"), (page, tag, attrs)
            if tag == "meta":
                assert attrs.get("http-equiv") is None, (page, attrs)
        for _, _, value in parsed.links:
            assert not re.match(r"\s*(javascript|vbscript|data:text)", value, re.I), (page, value)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(out / "feed.xml").getroot()  # well-formed despite the payloads
    for content in feed.iter(atom + "content"):
        html = content.text or ""
        assert not re.search(r"<(script|iframe|base|meta|svg)|\son\w+=|(href|src)=\"\s*(javascript|data:text)", html, re.I), html
    text = payload_page.read_text()
    assert "&lt;script&gt;alert(&#39;meta&#39;)&lt;/script&gt;" in text  # shown as text, not run
