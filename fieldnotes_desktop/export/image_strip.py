"""Metadata taken out of published JPEG, PNG and WebP files without decoding them: the pixels stay byte for byte.

A phone writes where a photo was taken into its EXIF (and often its XMP); a published copy must
not carry that. Re-encoding would drop it too, but costs a JPEG its quality, so the file's
segments or chunks are copied one by one instead, leaving out every kind that holds metadata:
EXIF, XMP, Photoshop/IPTC, comments, text chunks, appended images (a Multi-Picture file's
second picture, an HDR gain map, a thumbnail). Only the EXIF orientation is written back, on
its own, so a photo taken sideways still shows upright. The colour profile stays.

Every loop moves forward by at least one byte, so any input, hostile or cut short, is read in
time linear in its size. What follows the point where a file stops making sense (or its end
marker) is read by no browser: it stays as stored, unless anything in it looks like metadata.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

JPEG, PNG, WEBP, GIF = "jpeg", "png", "webp", "gif"
# Raise when this module takes out more (or less): the writer keeps an image's file published from
# the same inputs (`published_images.original_inputs`), so files stripped the old way would stay.
STRIP_VERSION = 1
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_EXIF_HEADER = b"Exif\x00\x00"
_ORIENTATION_TAG = 0x0112

# JPEG application segments kept, by marker, with the identifier their payload must start with:
# JFIF (not its JFXX thumbnail extension), the ICC colour profile, Adobe's colour transform.
_JPEG_KEPT = {0xE0: (b"JFIF\x00",), 0xE2: (b"ICC_PROFILE\x00",), 0xEE: (b"Adobe",)}
_JPEG_COMMENT = 0xFE
_JPEG_SOS, _JPEG_EOI = 0xDA, 0xD9
_PNG_DROPPED = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"})
_WEBP_DROPPED = frozenset({b"EXIF", b"XMP "})
_VP8X_XMP, _VP8X_EXIF = 0x04, 0x08
# What metadata looks like wherever it sits: EXIF, XMP, Photoshop's resources (IPTC), PNG text.
_METADATA_SIGNS = (b"Exif\x00\x00", b"<x:xmpmeta", b"http://ns.adobe.com/", b"8BIM", b"eXIf", b"tEXt", b"zTXt", b"iTXt")


@dataclass(frozen=True, slots=True)
class Stripped:
    """A file as published: its bytes, the EXIF orientation it keeps (1: as stored), whether any was
    dropped, and whether the file reached its end marker (False: cut short, its picture too)."""

    data: bytes
    orientation: int = 1
    removed: bool = False
    complete: bool = True


def sniff(data: bytes) -> str | None:
    """The raster format of `data` by its first bytes (never by its name): jpeg, png, webp, gif or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    return None


def strip_metadata(data: bytes) -> Stripped:
    """`data` without its metadata, for the formats that carry EXIF; any other file as it is."""
    kind = sniff(data)
    if kind == JPEG:
        return _strip_jpeg(data)
    if kind == PNG:
        return _strip_png(data)
    if kind == WEBP:
        return _strip_webp(data)
    return Stripped(data)


def orientation_exif(orientation: int) -> bytes:
    """A TIFF block (what EXIF is) holding nothing but `orientation`."""
    entry = struct.pack(">HHIHH", _ORIENTATION_TAG, 3, 1, orientation, 0)  # SHORT, one value, padded
    return b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x01" + entry + b"\x00\x00\x00\x00"


def tiff_orientation(tiff: bytes) -> int:
    """The orientation (1–8) an EXIF block gives its image; 1 when it says none or cannot be read."""
    if tiff.startswith(_EXIF_HEADER):
        tiff = tiff[len(_EXIF_HEADER):]
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 10:
        return 1
    (first,) = struct.unpack(order + "I", tiff[4:8])
    if first + 2 > len(tiff):
        return 1
    (count,) = struct.unpack(order + "H", tiff[first : first + 2])
    for at in range(first + 2, min(first + 2 + 12 * count, len(tiff) - 11), 12):
        tag, kind, _n = struct.unpack(order + "HHI", tiff[at : at + 8])
        if tag == _ORIENTATION_TAG and kind == 3:
            (value,) = struct.unpack(order + "H", tiff[at + 8 : at + 10])
            return value if 1 <= value <= 8 else 1
    return 1


# -- JPEG -------------------------------------------------------------------------------------


def _strip_jpeg(data: bytes) -> Stripped:
    out = bytearray(b"\xff\xd8")
    pos, n = 2, len(data)
    orientation, exif_at, removed, complete = 1, -1, False, False
    while pos < n:
        if data[pos] != 0xFF:
            break  # not a marker where one must be: what follows cannot be told apart
        while pos < n and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= n:
            break
        marker = data[pos]
        pos += 1
        if marker == _JPEG_EOI:
            out += b"\xff\xd9"
            complete = True
            break  # what follows: padding, or an appended picture (Multi-Picture, HDR gain map)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            out += bytes((0xFF, marker))
            continue
        if pos + 2 > n:
            pos -= 2
            break
        end = pos + int.from_bytes(data[pos : pos + 2], "big")
        if end < pos + 2 or end > n:
            pos -= 2  # a length that lies, or a file cut short inside a segment
            break
        payload = data[pos + 2 : end]
        if _jpeg_dropped(marker, payload):
            removed = True
            if marker == 0xE1 and payload.startswith(_EXIF_HEADER) and exif_at < 0:
                orientation, exif_at = tiff_orientation(payload), len(out)
        else:
            out += bytes((0xFF, marker)) + data[pos:end]
        pos = end
        if marker == _JPEG_SOS:  # the entropy-coded data runs to the next marker
            scan_end = _scan_end(data, pos)
            out += data[pos:scan_end]
            pos = scan_end
    tail = _tail(data, pos)
    out += tail
    removed = removed or len(tail) < n - pos
    if orientation != 1:
        tiff = _EXIF_HEADER + orientation_exif(orientation)
        out[exif_at:exif_at] = b"\xff\xe1" + (len(tiff) + 2).to_bytes(2, "big") + tiff
    return Stripped(bytes(out), orientation, removed, complete)


def _jpeg_dropped(marker: int, payload: bytes) -> bool:
    if marker == _JPEG_COMMENT:
        return True
    if 0xE0 <= marker <= 0xEF:
        return not payload.startswith(_JPEG_KEPT.get(marker, ()))
    return False


def _scan_end(data: bytes, pos: int) -> int:
    """Where the marker after the scan data starting at `pos` begins (`len(data)` if none)."""
    n = len(data)
    while True:
        at = data.find(b"\xff", pos)
        if at < 0 or at + 1 >= n:
            return n
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # a stuffed byte, a restart marker
            pos = at + 2
        elif following == 0xFF:
            pos = at + 1
        else:
            return at


# -- PNG --------------------------------------------------------------------------------------


def _strip_png(data: bytes) -> Stripped:
    out = bytearray(_PNG_SIGNATURE)
    pos, n = len(_PNG_SIGNATURE), len(data)
    orientation, exif_at, removed, complete = 1, -1, False, False
    while pos + 8 <= n:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if not kind.isalpha() or length > 0x7FFFFFFF:
            break  # not a chunk: a damaged file, of which nothing more can be read
        if kind in _PNG_DROPPED:
            removed = True
            if kind == b"eXIf" and exif_at < 0:
                orientation, exif_at = tiff_orientation(data[pos + 8 : min(end - 4, n)]), len(out)
        elif end > n:
            out += data[pos:]  # cut short inside image data: kept as far as it goes
            pos = n
            break
        else:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            complete = end <= n
            break
    tail = _tail(data, pos)
    out += tail
    removed = removed or len(tail) < n - pos
    if orientation != 1:
        out[exif_at:exif_at] = _png_chunk(b"eXIf", orientation_exif(orientation))
    return Stripped(bytes(out), orientation, removed, complete)


def _tail(data: bytes, pos: int) -> bytes:
    """`data` from `pos` on as it is, or nothing when anything in it looks like metadata."""
    rest = data[pos:]
    return b"" if any(sign in rest for sign in _METADATA_SIGNS) else rest


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload)
    return len(payload).to_bytes(4, "big") + kind + payload + crc.to_bytes(4, "big")


# -- WebP -------------------------------------------------------------------------------------


def _strip_webp(data: bytes) -> Stripped:
    declared_end = 8 + int.from_bytes(data[4:8], "little")
    riff_end = min(len(data), declared_end)
    complete = declared_end <= len(data)
    chunks: list[bytes] = []
    pos = 12
    orientation, exif_at, removed = 1, -1, False
    while pos + 8 <= riff_end:
        kind = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        end = pos + 8 + size + (size & 1)  # chunks are padded to an even length
        if kind in _WEBP_DROPPED:
            removed = True
            if kind == b"EXIF" and exif_at < 0:
                orientation, exif_at = tiff_orientation(data[pos + 8 : min(pos + 8 + size, riff_end)]), len(chunks)
        elif pos + 8 + size > riff_end:
            chunks.append(data[pos:riff_end])  # cut short inside image data: kept as far as it goes
            complete = False
        else:
            chunks.append(data[pos:end].ljust(end - pos, b"\x00"))  # a last pad byte left off
        pos = end
    extended = bool(chunks) and chunks[0][:4] == b"VP8X" and len(chunks[0]) >= 9
    if orientation != 1 and extended:
        tiff = orientation_exif(orientation)
        chunks.insert(exif_at, b"EXIF" + len(tiff).to_bytes(4, "little") + tiff)
    if extended:
        flags = chunks[0][8] & ~(_VP8X_XMP | _VP8X_EXIF)
        if orientation != 1:
            flags |= _VP8X_EXIF
        chunks[0] = chunks[0][:8] + bytes((flags,)) + chunks[0][9:]
    body = b"WEBP" + b"".join(chunks)
    tail = _tail(data, max(riff_end, pos))  # past the container's end
    removed = removed or len(tail) < len(data) - max(riff_end, pos)
    stripped = b"RIFF" + len(body).to_bytes(4, "little") + body + tail
    return Stripped(stripped, orientation if extended else 1, removed, complete)
