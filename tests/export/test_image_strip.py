"""The lossless metadata filter: what it leaves out and keeps of JPEG, PNG and WebP files, hostile ones too."""

from __future__ import annotations

import io
import random
import struct
import time

from PIL import Image, ImageCms

from image_helpers import photo, pixels, place_in
from fieldnotes_desktop.export.image_strip import sniff, strip_metadata, tiff_orientation


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def test_a_jpeg_keeps_its_colour_profile_and_scan_and_loses_everything_that_describes_it() -> None:
    out = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, "JPEG", icc_profile=srgb, comment=b"at the hut")
    plain = out.getvalue()
    # Photoshop's IPTC block and a Multi-Picture second image, as cameras and editors add them
    iptc = _segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10city=Innsbruck")
    appended = b"\xff\xd8" + _segment(0xE1, b"Exif\x00\x00MM\x00*GPS") + b"\xff\xd9"
    data = plain[:2] + iptc + plain[2:] + appended
    stripped = strip_metadata(data)
    assert stripped.removed and stripped.complete
    assert b"8BIM" not in stripped.data and b"Exif" not in stripped.data and b"at the hut" not in stripped.data
    with Image.open(io.BytesIO(stripped.data)) as image:
        assert image.info.get("icc_profile") == srgb
    assert pixels(stripped.data) == pixels(data)
    assert stripped.data.endswith(plain[plain.index(b"\xff\xda"):])  # the scan, byte for byte


def test_a_file_without_metadata_is_published_as_it_is() -> None:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(out, "PNG")
    png = out.getvalue()
    assert strip_metadata(png).data == png and not strip_metadata(png).removed
    padded = photo("JPEG", (40, 30))
    assert strip_metadata(strip_metadata(padded).data + b"\x00" * 16).data.endswith(b"\xff\xd9" + b"\x00" * 16)


def test_what_follows_a_broken_structure_stays_unless_it_looks_like_metadata() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    png = out.getvalue()
    cut = png[: png.index(b"IEND") - 4]
    assert strip_metadata(cut + b"\x00\x01garbage").data == cut + b"\x00\x01garbage"
    assert strip_metadata(cut + b"\x00\x01<x:xmpmeta GPS").data == cut


def test_hostile_input_is_read_in_linear_time_and_never_raises() -> None:
    noise = random.Random(7).randbytes
    cases = [
        b"\xff\xd8\xff",
        b"\xff\xd8\xff\xe1\xff\xff" + b"Exif\x00\x00",
        b"\xff\xd8" + b"\xff" * 100_000,
        b"\xff\xd8\xff\xda\x00\x02" + b"\xff\x00" * 200_000,
        b"\x89PNG\r\n\x1a\n" + b"\xff\xff\xff\xffIDAT",
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x00tEXt\x00\x00\x00\x00" * 50_000,
        b"RIFF\xff\xff\xff\xffWEBPVP8X\x0a\x00\x00\x00" + noise(64),
        b"RIFF\x04\x00\x00\x00WEBP" + b"EXIF\xff\xff\xff\x7f",
        b"\xff\xd8\xff" + noise(300_000),
    ]
    started = time.perf_counter()
    for data in cases:
        assert sniff(data) is not None
        stripped = strip_metadata(data)
        assert b"Exif\x00\x00" not in stripped.data and b"tEXt" not in stripped.data
    assert time.perf_counter() - started < 5


def test_orientation_is_read_from_either_byte_order_and_is_1_when_unreadable() -> None:
    little = b"II*\x00\x08\x00\x00\x00\x01\x00" + struct.pack("<HHIHH", 0x0112, 3, 1, 8, 0) + b"\x00" * 4
    assert tiff_orientation(little) == 8
    assert tiff_orientation(b"Exif\x00\x00" + little) == 8
    assert tiff_orientation(b"MM\x00*\xff\xff\xff\xff") == 1
    assert tiff_orientation(b"") == 1


def test_every_format_loses_the_place_a_photo_was_taken() -> None:
    for fmt in ("JPEG", "PNG", "WEBP"):
        stored = photo(fmt, (120, 80), orientation=6)
        assert place_in(stored) and place_in(strip_metadata(stored).data) == []
