"""A site exported again and again: what left the site goes, renamed entries redirect, nothing else moves."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from export_helpers import parse_page, site_files

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

WAL = "reading-the-wal-by-hand"
UNBOUND = "why-i-keep-field-notes"


def _resolves(page: Path, href: str) -> Path:
    target = (page.parent / unquote(urlsplit(href).path)).resolve()
    return target / "index.html" if target.is_dir() else target


def test_a_second_export_with_nothing_changed_writes_nothing(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = samples.exports.export(ExportOptions(out=out))
    inodes = {p: p.stat().st_ino for p in out.rglob("*.html")}
    again = samples.exports.export(ExportOptions(out=out))
    assert first.changed > 30 and again.changed == 0
    assert (again.pages, again.assets) == (first.pages, first.assets)
    assert again.summary().endswith(": nothing changed.")
    assert {p: p.stat().st_ino for p in out.rglob("*.html")} == inodes


def test_one_edit_rewrites_only_the_pages_whose_bytes_change(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    samples.exports.export(ExportOptions(out=out))
    entry = samples.entries.get_by_slug(WAL)
    samples.entries.update(entry.id, EntryFields(body=entry.body + "\n\nOne more line about checkpoints.\n"))
    report = samples.exports.export(ExportOptions(out=out))
    # the entry page and the feed (which carries the body); not the index, archives or others
    assert report.changed == 2, report
    assert "One more line" in (out / WAL / "index.html").read_text(encoding="utf-8")


def test_a_trashed_entry_leaves_the_site_and_its_archives(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    (tmp_path / "site").mkdir()
    (out / "CNAME").write_text("notes.example.org")
    samples.exports.export(ExportOptions(out=out))
    assert (out / WAL / "index.html").is_file()
    samples.entries.trash(samples.entries.get_by_slug(WAL).id)
    report = samples.exports.export(ExportOptions(out=out))
    assert not (out / WAL).exists()
    assert report.removed >= 1
    assert WAL not in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "CNAME").read_text() == "notes.example.org"


def test_a_renamed_entry_keeps_its_old_address_as_a_redirect(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    samples.exports.export(ExportOptions(out=out))
    entry = samples.entries.get_by_slug(WAL)
    samples.entries.update(entry.id, EntryFields(slug="the-wal-by-hand"))
    report = samples.exports.export(ExportOptions(out=out))
    assert report.redirected == 1
    old = out / WAL / "index.html"
    page = parse_page(old)
    refresh = [attrs for tag, attrs in page.tags if tag == "meta" and attrs.get("http-equiv") == "refresh"]
    (content,) = [attrs["content"] for attrs in refresh]
    assert content is not None
    href = re.sub(r"^0;\s*url=", "", content)
    assert _resolves(old, href) == (out / "the-wal-by-hand" / "index.html").resolve()
    assert any(tag == "link" and attrs.get("rel") == "canonical" for tag, attrs in page.tags)
    # the redirect is not a page of its own in the feed or sitemap
    assert WAL + "/" not in (out / "sitemap.xml").read_text(encoding="utf-8")

    # Renamed once more: the first address now leads to the newest one, no chain.
    samples.entries.update(entry.id, EntryFields(slug="wal-notes"))
    samples.exports.export(ExportOptions(out=out))
    for earlier in (WAL, "the-wal-by-hand"):
        text = (out / earlier / "index.html").read_text(encoding="utf-8")
        assert "../wal-notes/index.html" in text

    # Trashed: its redirects go with it.
    samples.entries.trash(entry.id)
    samples.exports.export(ExportOptions(out=out))
    assert not any((out / slug).exists() for slug in (WAL, "the-wal-by-hand", "wal-notes"))


def test_a_new_entry_may_take_an_old_address(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    samples.exports.export(ExportOptions(out=out))
    old = samples.entries.get_by_slug(UNBOUND)
    samples.entries.update(old.id, EntryFields(slug="keeping-notes"))
    samples.entries.create(EntryFields(title="Why I keep field notes", slug=UNBOUND, status="finished",
                                       body="A different entry at the old address."))
    samples.exports.export(ExportOptions(out=out))
    text = (out / UNBOUND / "index.html").read_text(encoding="utf-8")
    assert "A different entry at the old address." in text
    assert 'http-equiv="refresh"' not in text


def test_bookkeeping_stays_out_of_the_site_files(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    samples.exports.export(ExportOptions(out=out))
    assert not any(name.startswith(".") for name in site_files(out))
    assert (out / ".fieldnotes" / "manifest.db").is_file()
