"""One entry as one self-contained HTML file: CSS inline, images as data URIs, no relative references."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_helpers import open_sample_services, parse_page

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

RIDGE = "three-nights-below-the-ridge"


def _single(services: Services, out: Path, slug: str = RIDGE) -> Path:
    services.exports.export(ExportOptions(out=out, slugs=(slug,), self_contained=True))
    return out


def test_one_file_with_everything_inside_and_absolute_site_links(samples: Services, tmp_path: Path) -> None:
    out = _single(samples, tmp_path / "post.html")
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".html"] == ["post.html"]
    parsed = parse_page(out)
    assert not [attrs for tag, attrs in parsed.tags if tag == "link" and attrs.get("rel") == "stylesheet"]
    for tag, attribute, value in parsed.links:
        if tag == "img":
            assert value.startswith("data:image/svg+xml;base64,")
        else:
            assert value.startswith(("https://notes.example.org/", "#")), (tag, value)
    html = out.read_text()
    assert "<style>" in html and ".entry-title" in html and ".highlight" in html
    assert "ENTRY 01/03" in html and "More field notes" in html


def test_without_a_base_url_links_to_other_pages_become_plain_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = open_sample_services(tmp_path / "db.sqlite", monkeypatch, base_url="")
    try:
        services.entries.create(
            EntryFields(
                title="Cross-linked", slug="cross", status="finished",
                body="See [the WAL note](../reading-the-wal-by-hand/) and [elsewhere](https://example.com/).\n",
            )
        )
        out = _single(services, tmp_path / "cross.html", "cross")
    finally:
        services.close()
    links = [value for tag, _, value in parse_page(out).links]
    assert links == ["https://example.com/"]
    assert "See the WAL note and" in out.read_text()


def test_self_contained_needs_a_file_name_not_a_folder(samples: Services, tmp_path: Path) -> None:
    with pytest.raises(ExportFailed, match="is a folder"):
        _single(samples, tmp_path)
