"""The export warns about images without real alt text: one line per entry naming its images; it still succeeds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fieldnotes_desktop.export import alt_warnings
from fieldnotes_desktop.records import FINISHED, EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.publish import ExportOptions

CAMP = (
    "![](IMG_1234.JPG)\n\n![pasted image](tent.png)\n\n"
    '<img src="assets/stove.png" alt="stove">\n\n'
    "![The tent pitched below the col, at dusk](IMG_1234.JPG)\n"
)


def add_images(services: Services) -> None:
    # distinct pixels each: the same bytes would be one asset under the first name, and bytes
    # that differ only past the end of the picture are published alike (image_strip.py drops them)
    for n, name in enumerate(("IMG_1234.JPG", "tent.png", "stove.png")):
        services.assets.add(name, _png((n, 40, 90)))


def _png(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def desk(tmp_path: Path) -> Services:
    services = open_services(tmp_path / "fieldnotes.db")
    services.site.update(base_url="https://notes.example.org/")  # no other warning
    add_images(services)
    services.entries.create(EntryFields(title="Camp two", slug="camp-two", body=CAMP, status=FINISHED))
    services.entries.create(EntryFields(
        title="Described", slug="described", status=FINISHED,
        body="![The north face in morning light](tent.png)\n\n![](https://example.org/far.png)\n",
    ))  # fmt: skip
    return services


def test_the_export_names_each_entry_and_its_images_without_real_alt_text(desk: Services, tmp_path: Path) -> None:
    try:
        report = desk.exports.export(ExportOptions(out=tmp_path / "site"))
    finally:
        desk.close()
    assert (tmp_path / "site" / "camp-two" / "index.html").is_file()  # the export still succeeds
    lines = [w for w in report.warnings if "alt text" in w]
    assert lines == [
        "“Camp two” (camp-two): 3 images without real alt text (IMG_1234.JPG, tent.png, stove.png); "
        "describe what each shows for readers who cannot see it.",
        "“Described” (described): 1 image without real alt text (far.png); "
        "describe what each shows for readers who cannot see it.",
    ]
    assert "2 warnings" in report.summary()


def test_past_a_few_entries_the_rest_are_counted_on_one_line(
    desk: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alt_warnings, "NAMED_ENTRIES", 1)
    try:
        for n in range(3):
            desk.entries.create(EntryFields(title=f"Shot {n}", slug=f"shot-{n}", body="![image](tent.png)\n",
                                            status=FINISHED))
        report = desk.exports.export(ExportOptions(out=tmp_path / "site"))
    finally:
        desk.close()
    lines = [w for w in report.warnings if "alt text" in w]
    assert len(lines) == 2
    assert lines[1] == "4 more entries have 4 images without real alt text."


def test_a_single_file_export_warns_too(desk: Services, tmp_path: Path) -> None:
    try:
        report = desk.exports.export(ExportOptions(out=tmp_path / "camp.html", slugs=("camp-two",), self_contained=True))
    finally:
        desk.close()
    assert report.warnings == (
        "“Camp two” (camp-two): 3 images without real alt text (IMG_1234.JPG, tent.png, stove.png); "
        "describe what each shows for readers who cannot see it.",
    )
