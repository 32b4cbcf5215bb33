"""Published images: no trace of where a photo was taken, smaller copies in a srcset, sizes on every <img>, hostile files survived."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from export_helpers import site_files
from image_helpers import ORIENTATION, images_of, photo, pixels, place_in, png_bomb, size_of
from fieldnotes_desktop.export import published_images
from fieldnotes_desktop.export.image_copies import SIZES
from fieldnotes_desktop.records import FINISHED, Asset, EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.markdown_export import MarkdownExportOptions
from fieldnotes_desktop.services.publish import ExportOptions

BASE = "https://notes.example.org/"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Services]:
    services = open_services(tmp_path / "fieldnotes.db")
    services.site.update(base_url=BASE)  # no warning about the feed's addresses
    yield services
    services.close()


def _entry(services: Services, slug: str, body: str, **fields: object) -> None:
    services.entries.create(EntryFields(title=slug.title(), slug=slug, body=body, status=FINISHED, **fields))  # type: ignore[arg-type]


def _stem(asset: Asset) -> str:
    return f"assets/{asset.sha256[:16]}"


def _export(services: Services, out: Path) -> tuple[str, ...]:
    return services.exports.export(ExportOptions(out=out)).warnings


def test_no_published_file_tells_where_a_photo_was_taken(desk: Services, tmp_path: Path) -> None:
    for fmt, name in (("JPEG", "ridge.jpg"), ("PNG", "hut.png"), ("WEBP", "tarn.webp")):
        stored = photo(fmt)
        assert place_in(stored)  # the photos as the camera wrote them say where they were taken
        desk.assets.add(name, stored)
    _entry(desk, "traverse", "![The ridge](ridge.jpg)\n\n![The hut](hut.png)\n\n![The tarn](tarn.webp)\n")
    out = tmp_path / "site"
    assert _export(desk, out) == ()
    images = {p: data for p, data in site_files(out).items() if p.endswith((".jpg", ".png", ".webp"))}
    assert len(images) == 3 * 4  # each original and its three smaller copies
    for path, data in images.items():
        assert place_in(data) == [], path
    # The originals are published without their metadata, but pixel for pixel as stored.
    for asset in desk.assets.list():
        published = (out / f"{_stem(asset)}{Path(asset.filename).suffix}").read_bytes()
        assert pixels(published) == pixels(desk.assets.data(asset.sha256))
        assert place_in(desk.assets.data(asset.sha256))  # and the database keeps the file as it came


def test_a_wide_photo_offers_its_smaller_copies_and_says_its_size(desk: Services, tmp_path: Path) -> None:
    asset = desk.assets.add("ridge.jpg", photo("JPEG", (2400, 1600)))
    _entry(desk, "ridge", "Dawn.\n\n![The ridge at dawn](ridge.jpg)\n")
    out = tmp_path / "site"
    _export(desk, out)
    (img,) = images_of(out / "ridge" / "index.html")
    stem = "../" + _stem(asset)
    assert img["src"] == f"{stem}.jpg"
    assert img["srcset"] == f"{stem}-640.jpg 640w, {stem}-1280.jpg 1280w, {stem}-1920.jpg 1920w, {stem}.jpg 2400w"
    assert img["sizes"] == SIZES
    assert (img["width"], img["height"]) == ("2400", "1600")
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    for width in (640, 1280, 1920):
        copy = out / f"{_stem(asset)}-{width}.jpg"
        assert size_of(copy) == (width, round(1600 * width / 2400))
    # The feed carries the body away from the page: one size, no relative copies.
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "srcset" not in feed and f"{BASE}{_stem(asset)}.jpg" in feed


def test_only_copies_smaller_than_the_photo_and_none_for_a_narrow_one(desk: Services, tmp_path: Path) -> None:
    middling = desk.assets.add("middling.png", photo("PNG", (1500, 1000)))
    narrow = desk.assets.add("narrow.webp", photo("WEBP", (600, 400)))
    _entry(desk, "sizes", "![A middling one](middling.png)\n\n![A narrow one](narrow.webp)\n")
    out = tmp_path / "site"
    _export(desk, out)
    first, second = images_of(out / "sizes" / "index.html")
    assert [part.split()[-1] for part in (first["srcset"] or "").split(", ")] == ["640w", "1280w", "1500w"]
    assert "srcset" not in second and (second["width"], second["height"]) == ("600", "400")
    assert not (out / f"{_stem(middling)}-1920.png").exists()
    assert not list(out.glob(f"{_stem(narrow)}-*"))


def test_a_photo_taken_sideways_shows_upright_everywhere(desk: Services, tmp_path: Path) -> None:
    asset = desk.assets.add("sideways.jpg", photo("JPEG", (2400, 1600), orientation=6))
    _entry(desk, "sideways", "![The col, portrait](sideways.jpg)\n")
    out = tmp_path / "site"
    _export(desk, out)
    (img,) = images_of(out / "sideways" / "index.html")
    assert (img["width"], img["height"]) == ("1600", "2400")  # as it shows, not as it is stored
    assert "1280w" in (img["srcset"] or "") and "1920w" not in (img["srcset"] or "")
    with Image.open(out / f"{_stem(asset)}.jpg") as original:
        assert dict(original.getexif()) == {ORIENTATION: 6}  # the turn is all that is left
    with Image.open(out / f"{_stem(asset)}-640.jpg") as copy:
        assert copy.size == (640, 960) and ORIENTATION not in copy.getexif()  # turned already


def test_a_decompression_bomb_and_a_cut_short_photo_warn_once_each_and_publish(desk: Services, tmp_path: Path) -> None:
    bomb = desk.assets.add("bomb.png", png_bomb())
    whole = photo("JPEG", (2400, 1600))
    cut = desk.assets.add("cut.jpg", whole[: len(whole) // 2])
    _entry(desk, "hostile", "![A bomb](bomb.png)\n\n![Half a photo](cut.jpg)\n")
    _entry(desk, "again", "![Half a photo, again](cut.jpg)\n")
    out = tmp_path / "site"
    warnings = _export(desk, out)
    assert warnings == (
        "The image “bomb.png” claims a size no photo has (a decompression bomb), "
        "so it was published without smaller copies.",
        "The image “cut.jpg” is cut short: the file ends before the picture does, "
        "so it was published without smaller copies.",
    )
    assert (out / f"{_stem(bomb)}.png").is_file() and (out / f"{_stem(cut)}.jpg").is_file()
    assert not list(out.glob("assets/*-640.*"))
    bomb_img, cut_img = images_of(out / "hostile" / "index.html")
    assert "srcset" not in bomb_img and "srcset" not in cut_img
    assert (cut_img["width"], cut_img["height"]) == ("2400", "1600")  # its header is whole
    # what is left of the cut photo is published, without where it was taken
    assert _traces(whole) and not _traces((out / f"{_stem(cut)}.jpg").read_bytes())


def _traces(data: bytes) -> list[bytes]:
    return [marker for marker in (b"GPSLatitude", b"FieldCam", b"adobe:ns:meta") if marker in data]


def test_a_photo_past_the_pixel_limit_is_published_whole(desk: Services, tmp_path: Path) -> None:
    desk.assets.add("panorama.png", png_bomb(10_000, 6_000))  # 60 megapixels: opened, not decoded
    _entry(desk, "panorama", "![The whole range](panorama.png)\n")
    warnings = _export(desk, tmp_path / "site")
    assert warnings == (
        "The image “panorama.png” has 60 megapixels, more than the 50 the export resizes, "
        "so it was published without smaller copies.",
    )
    (img,) = images_of(tmp_path / "site" / "panorama" / "index.html")
    assert (img["width"], img["height"]) == ("10000", "6000") and "srcset" not in img


def test_a_second_export_encodes_nothing_and_changes_no_file(
    desk: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk.assets.add("ridge.jpg", photo("JPEG"))
    desk.assets.add("hut.png", photo("PNG", (1400, 900)))
    _entry(desk, "two", "![The ridge](ridge.jpg)\n\n![The hut](hut.png)\n")
    made: list[object] = []
    proven: list[object] = []
    real_copies, real_proof = published_images.smaller_copies, published_images.decoding_problem
    monkeypatch.setattr(published_images, "smaller_copies", lambda *a: made.append(a) or real_copies(*a))
    monkeypatch.setattr(published_images, "decoding_problem", lambda *a: proven.append(a) or real_proof(*a))
    out = tmp_path / "site"
    _export(desk, out)
    assert len(made) == len(proven) == 2  # the first export proves and encodes each image once
    made.clear()
    proven.clear()
    before = site_files(out)
    times = {p: (out / p).stat().st_mtime_ns for p in before}
    report = desk.exports.export(ExportOptions(out=out))
    assert made == [] and proven == []  # nothing decoded, nothing encoded
    assert report.changed == 0
    assert site_files(out) == before
    assert {p: (out / p).stat().st_mtime_ns for p in before} == times


def test_a_copy_deleted_by_hand_is_made_again(desk: Services, tmp_path: Path) -> None:
    asset = desk.assets.add("ridge.jpg", photo("JPEG"))
    _entry(desk, "ridge", "![The ridge](ridge.jpg)\n")
    out = tmp_path / "site"
    _export(desk, out)
    copy = out / f"{_stem(asset)}-1280.jpg"
    made = copy.read_bytes()
    copy.unlink()
    assert _export(desk, out) == ()
    assert copy.read_bytes() == made


def test_a_single_file_carries_its_photos_without_their_place(desk: Services, tmp_path: Path) -> None:
    desk.assets.add("ridge.jpg", photo("JPEG"))
    _entry(desk, "alone", "![The ridge](ridge.jpg)\n")
    out = tmp_path / "alone.html"
    desk.exports.export(ExportOptions(out=out, slugs=("alone",), self_contained=True))
    page = out.read_text(encoding="utf-8")
    (uri,) = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', page)
    assert place_in(base64.b64decode(uri)) == []
    assert 'width="2400" height="1600"' in page
    assert 'loading="lazy"' not in page and "srcset" not in page  # all at hand, and fit to print


def test_images_without_a_size_to_read_still_load_lazily(desk: Services, tmp_path: Path) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    desk.assets.add("mark.svg", svg)
    _entry(desk, "marks", "![A mark](mark.svg)\n\n![Far away](https://example.org/far.jpg)\n")
    _export(desk, tmp_path / "site")
    for img in images_of(tmp_path / "site" / "marks" / "index.html"):
        assert img["loading"] == "lazy" and "width" not in img and "srcset" not in img


def test_raw_html_sizes_of_the_writer_are_kept(desk: Services, tmp_path: Path) -> None:
    desk.assets.add("ridge.jpg", photo("JPEG"))
    _entry(desk, "raw", '<img src="assets/ridge.jpg" alt="The ridge, small" width="300">\n')
    _export(desk, tmp_path / "site")
    (img,) = images_of(tmp_path / "site" / "raw" / "index.html")
    assert img["width"] == "300" and "height" not in img  # theirs, not a pair that disagrees
    assert "640w" in (img["srcset"] or "")


def test_pixels_of_the_published_original_are_the_stored_ones_for_every_format() -> None:
    from fieldnotes_desktop.export.image_strip import strip_metadata

    for fmt in ("JPEG", "PNG", "WEBP"):
        stored = photo(fmt, (320, 200), orientation=3)
        stripped = strip_metadata(stored)
        assert stripped.removed and stripped.orientation == 3 and stripped.complete
        assert pixels(stripped.data) == pixels(stored) and place_in(stripped.data) == []
        with Image.open(io.BytesIO(stripped.data)) as image:
            assert image.getexif().get(ORIENTATION) == 3


def test_a_markdown_export_copies_photos_without_their_place(desk: Services, tmp_path: Path) -> None:
    desk.assets.add("ridge.jpg", photo("JPEG", (800, 500)))
    _entry(desk, "hugo", "![The ridge](ridge.jpg)\n")
    desk.markdown_exports.export(MarkdownExportOptions(out=tmp_path / "content"))
    (copied,) = [p for p in (tmp_path / "content").rglob("*.jpg")]
    assert place_in(copied.read_bytes()) == []
