"""`fieldnotes export` prints the images without real alt text as warnings on stderr, and still exits 0."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import Run

from fieldnotes_desktop.records import FINISHED, EntryFields
from fieldnotes_desktop.services import open_services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def test_export_warns_about_images_without_real_alt_text(run: Run, db: Path, tmp_path: Path) -> None:
    services = open_services(db)
    try:
        services.site.update(base_url="https://notes.example.org/")  # no other warning
        services.assets.add("IMG_0042.JPG", PNG)
        services.entries.create(EntryFields(title="Ridge day", slug="ridge-day", status=FINISHED,
                                            summary="Up the ridge.",  # no finding of the checks either
                                            body="Up we went.\n\n![IMG_0042](IMG_0042.JPG)\n"))
    finally:
        services.close()
    result = run("export", "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: “Ridge day” (ridge-day): 1 image without real alt text (IMG_0042.JPG); "
        "describe what each shows for readers who cannot see it."
    ]
    assert " and 1 warning to " in result.stdout
    assert (tmp_path / "site" / "ridge-day" / "index.html").is_file()
