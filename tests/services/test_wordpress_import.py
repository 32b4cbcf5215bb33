"""A WordPress export imported through the import service, then published: entries, their images
from the media folder, the reader's notes in the report, and a redirect from each post's old address."""

from __future__ import annotations

import re
from pathlib import Path

from fieldnotes_desktop.records import EntryFilter
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

from wxr_sample import write_export

REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def test_an_export_is_stored_with_its_images_and_published_with_redirects(services: Services, tmp_path: Path) -> None:
    xml, media = write_export(tmp_path)
    report = services.imports.import_paths([xml], media=media)
    assert [e.slug for e in report.created] == ["ridge-walk", "autumn-packing", "notes-to-self", "week-of-photos", "14"]
    assert report.skipped == ()
    assert report.assets == 2
    assert any("gallery" in n.construct for n in report.notes)  # the reader's notes reach the report
    assert sorted(a.filename for a in services.assets.list()) == ["ridge.jpg", "summit.png"]
    ridge = services.entries.get_by_slug("ridge-walk")
    assert (ridge.author, ridge.aliases, ridge.published_time) == (
        "Ana Lindqvist", ("/2024/05/12/ridge-walk/",), "07:30:00+02:00"
    )
    assert services.entries.count(EntryFilter(status="finished")) == 2

    services.exports.export(ExportOptions(out=tmp_path / "site"))
    page = (tmp_path / "site" / "ridge-walk" / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<img[^>]+src="([^"]+)"', page)
    assert len(shown) == 3 and all(s.startswith("../assets/") for s in shown[:2])
    assert shown[2] == "https://blog.example/wp-content/uploads/2023/01/lost.jpg"
    assert all((tmp_path / "site" / "ridge-walk" / s).is_file() for s in shown[:2])
    redirect = (tmp_path / "site" / "2024" / "05" / "12" / "ridge-walk" / "index.html").read_text(encoding="utf-8")
    assert REFRESH.search(redirect).group(1) == "../../../../ridge-walk/index.html"  # type: ignore[union-attr]


def test_the_command_line_imports_an_export_with_its_media_folder(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from fieldnotes_desktop.cli import main

    xml, media = write_export(tmp_path)
    assert main(["--db", str(tmp_path / "notes.db"), "import", str(xml), "--media", str(media), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "would import" in printed and "ridge-walk" in printed
    assert main(["--db", str(tmp_path / "notes.db"), "list", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"  # a dry run stores nothing


def test_an_uploads_folder_beside_the_export_is_found_without_being_named(services: Services, tmp_path: Path) -> None:
    xml, media = write_export(tmp_path)
    assert media == xml.parent / "uploads"  # as WordPress lays a site out
    report = services.imports.import_paths([xml])
    assert report.assets == 2
    assert sorted(a.filename for a in services.assets.list()) == ["ridge.jpg", "summit.png"]
