"""Exported pages travel well: a description, a canonical address, Open Graph and Twitter card tags, absolute where they must be."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from image_helpers import head_of, photo
from fieldnotes_desktop.records import FINISHED, EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.publish import ExportOptions

BASE = "https://notes.example.org/blog/"
BODY = "Ice at dawn on the north face, and a long wait for the sun.\n\n![The col from the hut](col.jpg)\n"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Services]:
    services = open_services(tmp_path / "fieldnotes.db")
    services.site.update(title="Field Notes", author="Ines Okafor", language="de")
    services.assets.add("col.jpg", photo("JPEG", (2400, 1600)))
    services.assets.add("cover.png", photo("PNG", (1200, 630)))
    services.entries.create(EntryFields(
        title="Crossing the col", slug="col", body=BODY, status=FINISHED, summary="Two days over the col.",
        category="Mountains", tags=("alps", "ice"), date=dt.date(2025, 1, 19), published_time="07:30:00+01:00",
    ))  # fmt: skip
    yield services
    services.close()


def _export(services: Services, out: Path) -> Path:
    services.exports.export(ExportOptions(out=out))
    return out


def test_an_entry_page_with_a_site_address_says_everything_absolutely(desk: Services, tmp_path: Path) -> None:
    desk.site.update(base_url=BASE)
    out = _export(desk, tmp_path / "site")
    head = head_of(out / "col" / "index.html")
    col = next(a for a in desk.assets.list() if a.filename == "col.jpg")
    assert head["description"] == head["og:description"] == head["twitter:description"] == "Two days over the col."
    assert head["canonical"] == head["og:url"] == f"{BASE}col/"
    assert head["og:type"] == "article" and head["og:site_name"] == "Field Notes"
    assert head["og:title"] == head["twitter:title"] == "Crossing the col"
    # a copy of the size link previews ask for, not the 2400-pixel original
    assert head["og:image"] == head["twitter:image"] == f"{BASE}assets/{col.sha256[:16]}-1280.jpg"
    assert (head["og:image:width"], head["og:image:height"]) == ("1280", "853")
    assert head["og:image:alt"] == "The col from the hut"
    assert (out / "assets" / f"{col.sha256[:16]}-1280.jpg").is_file()
    assert head["twitter:card"] == "summary_large_image"
    assert head["article:published_time"] == "2025-01-19T07:30:00+01:00"
    assert head["article:section"] == "Mountains" and head["author"] == "Ines Okafor"
    assert '<html lang="de">' in (out / "col" / "index.html").read_text(encoding="utf-8")


def test_without_a_site_address_no_tag_holds_a_relative_address(desk: Services, tmp_path: Path) -> None:
    out = _export(desk, tmp_path / "site")
    head = head_of(out / "col" / "index.html")
    assert head["description"] == "Two days over the col."
    for absolute_only in ("canonical", "og:url", "og:image", "twitter:image"):
        assert absolute_only not in head
    assert head["twitter:card"] == "summary"  # no picture a preview could fetch
    assert head["og:title"] == "Crossing the col"


def test_the_excerpt_describes_an_entry_without_a_summary(desk: Services, tmp_path: Path) -> None:
    desk.entries.create(EntryFields(title="No summary", slug="plain", body=BODY, status=FINISHED))
    head = head_of(_export(desk, tmp_path / "site") / "plain" / "index.html")
    assert head["description"] == "Ice at dawn on the north face, and a long wait for the sun."


def test_the_cover_is_the_picture_of_the_page(desk: Services, tmp_path: Path) -> None:
    desk.site.update(base_url=BASE)
    desk.entries.create(EntryFields(title="Stored cover", slug="stored", body=BODY, status=FINISHED, cover="cover.png"))
    desk.entries.create(EntryFields(
        title="Web cover", slug="web", body="No picture here.", status=FINISHED, cover="https://img.example.net/c.jpg",
    ))  # fmt: skip
    out = _export(desk, tmp_path / "site")
    cover = next(a for a in desk.assets.list() if a.filename == "cover.png")
    stored = head_of(out / "stored" / "index.html")
    assert stored["og:image"] == f"{BASE}assets/{cover.sha256[:16]}.png"  # 1200 wide: itself
    assert (stored["og:image:width"], stored["og:image:height"]) == ("1200", "630")
    assert (out / "assets" / f"{cover.sha256[:16]}.png").is_file()  # published though no body shows it
    assert head_of(out / "web" / "index.html")["og:image"] == "https://img.example.net/c.jpg"


def test_a_cover_on_the_web_needs_no_site_address(desk: Services, tmp_path: Path) -> None:
    desk.entries.create(EntryFields(
        title="Web cover", slug="web", body="No picture here.", status=FINISHED, cover="https://img.example.net/c.jpg",
    ))  # fmt: skip
    head = head_of(_export(desk, tmp_path / "site") / "web" / "index.html")
    assert head["og:image"] == "https://img.example.net/c.jpg" and head["twitter:card"] == "summary_large_image"
    assert "canonical" not in head


def test_index_archives_and_now_describe_themselves(desk: Services, tmp_path: Path) -> None:
    desk.site.update(base_url=BASE, role="Guide", location="Innsbruck", now_md="Mending crampons before the season.")
    out = _export(desk, tmp_path / "site")
    index = head_of(out / "index.html")
    assert index["description"] == "Field notes by Ines Okafor, Guide · Innsbruck."
    assert index["canonical"] == index["og:url"] == BASE and index["og:type"] == "website"
    archive = head_of(out / "category" / "mountains" / "index.html")
    assert archive["canonical"] == f"{BASE}category/mountains/"
    assert archive["description"] == "1 entry filed under Mountains." and archive["og:title"] == "Mountains"
    tag = head_of(out / "tag" / "ice" / "index.html")
    assert tag["canonical"] == f"{BASE}tag/ice/" and tag["og:title"] == "#ice"
    now = head_of(out / "now" / "index.html")
    assert now["canonical"] == f"{BASE}now/" and now["description"] == "Mending crampons before the season."


def test_listing_pages_without_a_site_address_have_no_canonical(desk: Services, tmp_path: Path) -> None:
    out = _export(desk, tmp_path / "site")
    for page in ("index.html", "category/mountains/index.html", "now/index.html"):
        head = head_of(out / page)
        assert "canonical" not in head and "og:url" not in head and head["og:type"] == "website"
