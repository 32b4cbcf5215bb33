"""The exported site as a reader and a feed reader meet it: anatomy, links, feed, drafts, subsets."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from export_helpers import BASE_URL, open_sample_services, parse_page, site_files

from fieldnotes_desktop.errors import ExportCancelled, ExportFailed, NotFoundError
from fieldnotes_desktop.records import EntryFields, EntryFilter
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

WAL = "reading-the-wal-by-hand"
DRAFT = "a-garden-at-fourteen-hundred-metres"
UNBOUND = "why-i-keep-field-notes"


def _export(services: Services, out: Path, **options: object) -> Path:
    services.exports.export(ExportOptions(out=out, **options))  # type: ignore[arg-type]
    return out


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_relative_link_and_source_resolves_to_a_file(samples: Services, tmp_path: Path) -> None:
    out = _export(samples, tmp_path / "site")
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 30
    checked = 0
    for page in pages:
        for tag, attribute, value in parse_page(page).links:
            parts = urlsplit(value)
            if parts.scheme or value.startswith(("#", "//")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if value.endswith("/") or target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(out)}: <{tag} {attribute}={value!r}> leads nowhere"
            assert target.is_relative_to(out.resolve())
            checked += 1
    assert checked > 300


def test_entry_page_follows_the_anatomy_in_order(samples: Services, tmp_path: Path) -> None:
    html = _text(_export(samples, tmp_path / "site") / WAL / "index.html")
    html = html[html.index("<body") :]  # the head names the author too, for link previews
    order = [
        "VOL.02</span>",
        "FIELD NOTES</a>",
        "ENTRY 02/03",
        "▲ 574M",
        ">Databases</a>",
        "February 11, 2025",
        "3 min read",
        '<h1 class="entry-title">Reading SQLite’s Write-Ahead Log by Hand</h1>',  # smart typography
        "The office lost power",
        "Ines Okafor",
        "Backend Engineer · Innsbruck",
        "What I am doing now",
        "Rebuilding the sensor network",
        "More field notes",
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert html.count("<h1") == 1
    assert "<h2" in html and 'id="what-the-log-actually-holds"' in html


def test_masthead_numbers_entries_of_a_volume_by_date_among_finished_ones(samples: Services, tmp_path: Path) -> None:
    out = _export(samples, tmp_path / "site")
    masthead = {
        slug: re.search(r'<p class="masthead">(.*?)</p>', _text(out / slug / "index.html")).group(1)  # type: ignore[union-attr]
        for slug in ("three-nights-below-the-ridge", WAL, "shell-scripts-for-any-sh", "type-hints-that-pay-rent")
    }
    assert "ENTRY 01/03" in masthead["three-nights-below-the-ridge"]
    assert "ENTRY 02/03" in masthead[WAL]
    assert "ENTRY 03/03" in masthead["shell-scripts-for-any-sh"]
    assert "VOL.01" in masthead["type-hints-that-pay-rent"] and "ENTRY 01/03" in masthead["type-hints-that-pay-rent"]


def test_an_entry_without_volume_category_or_elevation_has_no_empty_parts(samples: Services, tmp_path: Path) -> None:
    html = _text(_export(samples, tmp_path / "site") / UNBOUND / "index.html")
    header = html[html.index('id="fn-entry-header"') : html.index('id="fn-entry-body"')]
    assert "VOL." not in header and "—" not in header
    assert 'class="elevation"' not in header and "▲" not in header
    meta = re.search(r'<p class="entry-meta">(.*?)</p>', header, re.S).group(1)  # type: ignore[union-attr]
    assert re.sub("<[^>]+>", "", meta).strip() == "August 18, 2024 · 1 min read"


def test_more_field_notes_prefers_the_same_category_and_never_links_itself(samples: Services, tmp_path: Path) -> None:
    out = _export(samples, tmp_path / "site")
    html = _text(out / "three-nights-below-the-ridge" / "index.html")
    more = re.findall(r'<li><a href="\.\./([^/]+)/index.html">', html[html.index('class="more"') :])
    assert 4 <= len(more) <= 6
    assert "three-nights-below-the-ridge" not in more
    assert DRAFT not in more  # the only other Mountains entry is a draft: finished entries only
    assert more[0] == "shell-scripts-for-any-sh"  # so the most recent finished entry leads


def test_index_groups_by_volume_newest_first_with_summaries(samples: Services, tmp_path: Path) -> None:
    html = _text(_export(samples, tmp_path / "site") / "index.html")
    volumes = re.findall(r'class="volume-title" id="[^"]+">([^<]+)<', html)
    assert volumes == ["VOL.02", "VOL.01", "Unbound notes"]
    assert html.index("Shell Scripts") < html.index("Reading SQLite") < html.index("Three Nights")
    assert "A power cut, a database that came back" in html
    assert DRAFT not in html


def test_drafts_are_left_out_unless_asked_for_and_trash_never_goes_out(samples: Services, tmp_path: Path) -> None:
    ridge = samples.entries.get_by_slug("three-nights-below-the-ridge")
    samples.entries.trash(ridge.id)
    plain = _export(samples, tmp_path / "plain")
    assert not (plain / DRAFT).exists() and not (plain / ridge.slug).exists()
    with_drafts = _export(samples, tmp_path / "drafts", include_drafts=True)
    assert (with_drafts / DRAFT / "index.html").is_file()
    assert not (with_drafts / ridge.slug).exists()
    draft_page = _text(with_drafts / DRAFT / "index.html")
    assert 'class="draft-badge"' in draft_page
    assert "ENTRY" not in draft_page  # only finished entries are numbered (DESIGN §2)


def test_feed_is_valid_atom_with_absolute_links(samples: Services, tmp_path: Path) -> None:
    out = _export(samples, tmp_path / "site")
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == 7
    assert feed.entries[0].link == BASE_URL + "shell-scripts-for-any-sh/"
    for item in feed.entries:
        assert item.link.startswith(BASE_URL)
        assert item.id.startswith("urn:uuid:")
        assert 'src="../' not in item.content[0].value and 'href="../' not in item.content[0].value
    ridge = next(e for e in feed.entries if "Ridge" in e.title)
    assert BASE_URL + "assets/" in ridge.content[0].value
    assert (out / "sitemap.xml").read_text().count("<loc>https://notes.example.org/") > 8


def test_without_a_base_url_the_feed_stays_valid_and_the_export_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = open_sample_services(tmp_path / "db.sqlite", monkeypatch, base_url="")
    try:
        report = services.exports.export(ExportOptions(out=tmp_path / "site"))
    finally:
        services.close()
    assert any("has no address" in w for w in report.warnings)
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert feed.bozo == 0 and len(feed.entries) == 7
    assert not (tmp_path / "site" / "sitemap.xml").exists()


def test_entry_subset_writes_only_those_pages_their_images_and_the_css(samples: Services, tmp_path: Path) -> None:
    out = _export(samples, tmp_path / "site", slugs=("three-nights-below-the-ridge",))
    files = sorted(site_files(out))
    assert re.fullmatch(r"assets/[0-9a-f]{16}\.svg", files[0])
    assert files[1:] == ["assets/pygments.css", "assets/site.css", "three-nights-below-the-ridge/index.html"]


def test_unknown_or_draft_slugs_are_refused_with_one_sentence(samples: Services, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no entry with the slug “nope”"):
        _export(samples, tmp_path / "a", slugs=("nope",))
    with pytest.raises(ExportFailed, match="is a draft; add --include-drafts"):
        _export(samples, tmp_path / "b", slugs=(DRAFT,))
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").iterdir())


def test_images_are_written_once_under_content_hashed_names(samples: Services, tmp_path: Path) -> None:
    out = _export(samples, tmp_path / "site")
    images = [p for p in (out / "assets").iterdir() if p.suffix == ".svg"]
    assert len(images) == 1
    (asset,) = samples.assets.list()
    assert images[0].name == f"{asset.sha256[:16]}.svg"
    assert images[0].read_bytes() == samples.assets.data(asset.sha256)
    assert f'src="../assets/{images[0].name}"' in _text(out / "three-nights-below-the-ridge" / "index.html")


def test_a_missing_image_is_a_warning_not_a_crash(samples: Services, tmp_path: Path) -> None:
    samples.entries.create(EntryFields(title="Lost photo", status="finished", body="![gone](images/nowhere.jpg)\n"))
    report = samples.exports.export(ExportOptions(out=tmp_path / "site"))
    assert report.warnings == ("lost-photo: the image “images/nowhere.jpg” is not in the database, so it was left as written.",)


def test_export_records_one_export_revision_per_entry_and_not_again_when_unchanged(
    samples: Services, tmp_path: Path
) -> None:
    _export(samples, tmp_path / "one")
    finished = samples.entries.list_summaries(EntryFilter(status="finished"))
    wal = next(e for e in finished if e.slug == WAL)
    assert [r.reason for r in samples.entries.revisions(wal.id)].count("export") == 1
    _export(samples, tmp_path / "two")
    assert [r.reason for r in samples.entries.revisions(wal.id)].count("export") == 1
    samples.entries.update(wal.id, EntryFields(body=wal.title + "\n\nRewritten.\n"))
    _export(samples, tmp_path / "three")
    assert [r.reason for r in samples.entries.revisions(wal.id)].count("export") == 2


def test_progress_is_reported_and_the_summary_counts_what_was_written(samples: Services, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    report = samples.exports.export(ExportOptions(out=tmp_path / "site"), progress=lambda *a: calls.append(a))
    assert [done for done, _, _ in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1] == len(site_files(tmp_path / "site"))
    assert (report.pages, report.entries, report.assets) == (30, 7, 3)
    assert report.summary().startswith("Exported 30 pages (7 entries), 3 assets and 0 warnings to ")


def test_cancelling_leaves_the_folder_as_it_was(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the old index")
    seen: list[int] = []
    with pytest.raises(ExportCancelled):
        samples.exports.export(
            ExportOptions(out=out), progress=lambda done, total, label: seen.append(done), cancelled=lambda: len(seen) >= 4
        )
    assert site_files(out) == {"index.html": b"the old index"}
