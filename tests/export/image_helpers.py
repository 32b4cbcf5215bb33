"""Helpers for the image tests: photos made with Pillow carrying a place, and readers of what was published."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, PngImagePlugin

from export_helpers import parse_page

GPS_IFD = 0x8825
ORIENTATION = 0x0112
PLACE = ((47.0, 16.0, 12.5), (11.0, 23.0, 4.25))  # near Innsbruck
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="47,16.2N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def photo(fmt: str = "JPEG", size: tuple[int, int] = (2400, 1600), *, orientation: int = 1) -> bytes:
    """A striped picture in `fmt` whose EXIF says where it was taken (a GPS IFD), and more."""
    image = Image.new("RGB", size, (200, 120, 40))
    for x in range(0, size[0], 64):
        image.paste((x % 251, 60, 180), (x, 0, x + 24, size[1]))
    image.paste((20, 200, 90), (0, 0, size[0] // 4, size[1] // 4))  # a corner that shows which way is up
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "FieldCam"
    exif[0x0110] = "FC-1 serial 0042"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", PLACE[0], "E", PLACE[1]
    out = io.BytesIO()
    options: dict[str, object] = {"exif": exif.tobytes()}
    if fmt in ("JPEG", "WEBP"):
        options["xmp"] = XMP
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        text.add_text("Comment", "taken at the FieldCam hut")
        options["pnginfo"] = text
    if fmt == "JPEG":
        options["quality"] = 90
    image.save(out, fmt, **options)
    return out.getvalue()


def png_bomb(width: int = 40_000, height: int = 40_000) -> bytes:
    """A few hundred bytes of PNG whose header claims `width`×`height` pixels."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 4096, 9))
        + chunk(b"IEND", b"")
    )


def place_in(data: bytes) -> list[str]:
    """Every trace of where a picture was taken that a reader of the file could find."""
    found = []
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
            found.append("EXIF GPS")
        if 0x010F in exif or 0x0110 in exif:
            found.append("EXIF camera")
        if image.info.get("xmp"):
            found.append("XMP")
    for marker in (b"GPSLatitude", b"FieldCam", b"serial 0042", b"adobe:ns:meta"):
        if marker in data:
            found.append(marker.decode())
    return found


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


def size_of(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def images_of(page: Path) -> list[dict[str, str | None]]:
    """The attributes of each `<img>` of an exported page's body."""
    return [attrs for tag, attrs in parse_page(page).tags if tag == "img"]


def head_of(page: Path) -> dict[str, str]:
    """The page's head tags: `<meta>` by name or property, `canonical` for its canonical link."""
    found: dict[str, str] = {}
    for tag, attrs in parse_page(page).tags:
        key = attrs.get("name") or attrs.get("property")
        if tag == "meta" and key and attrs.get("content") is not None:
            found.setdefault(key, attrs["content"] or "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            found["canonical"] = attrs.get("href") or ""
    return found
