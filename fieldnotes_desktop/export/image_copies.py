"""Smaller copies of published photos, made with Pillow, and what a page must know of an image: its size.

Only the first bytes of a file are parsed to measure it; pixels are decoded only to make (or
to prove that one can make) its copies, and never for an image past `MAX_PIXELS`: a file that
claims a huge size in a few bytes of header (a decompression bomb) is refused before it can
take the memory it asks for. Pillow is imported here and nowhere else in the export.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING

from fieldnotes_desktop.export.image_strip import GIF, JPEG, PNG, WEBP, Stripped

# The widths published beside an image wider than the first of them, each only when smaller.
COPY_WIDTHS = (640, 1280, 1920)
# How wide the page's column is, for the browser to choose a copy before the CSS is in. The
# packaged site.css: `.sheet` is at most 68ch of the body font (at most 1.2rem: 650–770 px with
# the fonts it names) inside 1.15rem–2rem of padding a side, so the column is the screen less about
# 2.5rem until some 52rem of screen. Erring wide: a copy a size too large, never one too blurry.
SIZES = "(max-width: 52rem) calc(100vw - 2.5rem), 48rem"
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo passes; a 16 GB bomb does not
# Raise when the copies come out different (other sizes, quality, colours): the writer keeps
# copies made from the same inputs (`copy_inputs`), so old ones would stay otherwise.
COPIES_VERSION = 1
if TYPE_CHECKING:
    from PIL import Image

_RESIZED = (JPEG, PNG, WEBP)
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP", GIF: "GIF"}
_JPEG_MODES = ("RGB", "L", "CMYK")
_GPS_IFD = 0x8825


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What the export knows of one stored image after reading it once."""

    kind: str | None  # jpeg, png, webp, gif; None for anything else (an SVG, a file we do not read)
    width: int | None = None  # as it shows, its EXIF orientation applied
    height: int | None = None
    copies: tuple[int, ...] = ()  # the widths of the smaller copies published beside it
    problem: str = ""  # why it has no copies though it is wide enough: ends a sentence naming it


def copy_inputs(sha256: str, width: int) -> str:
    """What a copy is made from: the writer keeps the last export's copy when these are the same."""
    return f"image-copy-{COPIES_VERSION};Pillow={_pillow_version()};{sha256};{width}"


def measure(stripped: Stripped, kind: str | None) -> ImageFacts:
    """The facts of an image from its header, with the copies it should have; nothing is decoded."""
    if kind is None:
        return ImageFacts(None)
    try:
        with _opened(stripped.data, kind) as image:
            stored_w, stored_h = image.size
            animated = bool(getattr(image, "is_animated", False))
    except Exception as exc:  # noqa: BLE001 - a hostile header may raise anything; the export goes on
        # A header claiming a size past Pillow's own limit is a bomb, worth a warning; a file that
        # is no picture at all is one no browser shows either, published (stripped) as it is.
        return ImageFacts(kind, problem=_unreadable(exc) if _too_large(exc) else "")
    width, height = (stored_h, stored_w) if stripped.orientation >= 5 else (stored_w, stored_h)
    wanted = tuple(w for w in COPY_WIDTHS if w < width) if width > COPY_WIDTHS[0] and kind in _RESIZED else ()
    problem = ""
    if wanted and animated:
        wanted = ()  # a moving picture stays whole: Pillow would keep only its first frame
    elif wanted and width * height > MAX_PIXELS:
        problem = f"has {width * height / 1e6:.0f} megapixels, more than the {MAX_PIXELS // 1_000_000} the export resizes"
    elif wanted and not stripped.complete:
        problem = "is cut short: the file ends before the picture does"
    return ImageFacts(kind, width, height, () if problem else wanted, problem)


def decoding_problem(stripped: Stripped, facts: ImageFacts) -> str:
    """"" when the image decodes as far as its smallest copy needs, else why not (ends a sentence)."""
    try:
        _decoded(stripped.data, facts, min(facts.copies))
    except Exception as exc:  # noqa: BLE001 - a broken file may raise anything; the export goes on
        return _unreadable(exc)
    return ""


def smaller_copies(stripped: Stripped, facts: ImageFacts) -> dict[int, bytes]:
    """Each copy of `facts.copies` by width: upright, in the image's own format, with its colour
    profile and no other metadata. The image is decoded once, for the widest."""
    from PIL import Image as PILImage

    upright = _decoded(stripped.data, facts, max(facts.copies))
    # a palette is resized in full colour (nearest-neighbour otherwise), then made a palette again
    palette = upright.mode == "P" and facts.kind == PNG
    icc = upright.info.get("icc_profile")
    decoded = _web_mode(upright, facts.kind)
    made = {}
    for width in facts.copies:
        height = max(1, round(decoded.height * width / decoded.width))
        image = decoded.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        if palette:
            image = image.quantize(256, method=PILImage.Quantize.FASTOCTREE)  # a screenshot stays small
        made[width] = _encoded(image, facts.kind, icc)
    return made


def location_problem(data: bytes) -> bool:
    """Whether a TIFF or AVIF file (formats whose metadata the export cannot take out) says where it was taken."""
    from PIL import Image as PILImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data), formats=["TIFF", "AVIF"]) as image:
                return bool(image.getexif().get_ifd(_GPS_IFD))
    except Exception:  # noqa: BLE001 - not one of those, or unreadable: nothing to say
        return False


def _encoded(image: Image.Image, kind: str | None, icc: object) -> bytes:
    options: dict[str, object] = {}
    if isinstance(icc, bytes) and icc:
        options["icc_profile"] = icc
    if kind == JPEG:
        options.update(quality=82, optimize=True, progressive=True)
    elif kind == WEBP:
        options.update(quality=80, method=4)
    out = io.BytesIO()
    image.save(out, _PILLOW_FORMATS[kind or PNG], **options)
    return out.getvalue()


def _decoded(data: bytes, facts: ImageFacts, width: int) -> Image.Image:
    """The image's pixels, upright, at least `width` wide (a JPEG is decoded at the smallest
    scale its decoder offers above that, a fraction of the work)."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    with _opened(data, facts.kind or PNG) as image:
        if facts.kind == JPEG and facts.width:
            scale = width / facts.width
            image.draft(None, (math.ceil(image.size[0] * scale), math.ceil(image.size[1] * scale)))
        image.load()
        upright = ImageOps.exif_transpose(image)
        assert isinstance(upright, PILImage.Image)
        if upright is image:
            upright = image.copy()  # the file's image closes with the `with`
    # Pillow writes some of what it read back out (XMP, comments) unless told otherwise: the
    # copy keeps its colour profile and transparency, nothing else of the file's.
    upright.info = {k: v for k, v in upright.info.items() if k in ("icc_profile", "transparency")}
    return upright


def _web_mode(image: Image.Image, kind: str | None) -> Image.Image:
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if kind == JPEG:
        return image if image.mode in _JPEG_MODES else image.convert("RGB")
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    return image.convert("RGBA" if alpha else "RGB")


@contextmanager
def _opened(data: bytes, kind: str) -> Iterator[Image.Image]:
    """The image of `data` opened as `kind` only (no other of Pillow's many parsers sees it)."""
    from PIL import Image as PILImage

    with warnings.catch_warnings():
        # Past Pillow's own bomb limit it warns; `measure` refuses past a lower one itself.
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        image = PILImage.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]])
    with image:
        yield image


def _too_large(exc: BaseException) -> bool:
    from PIL import Image as PILImage

    return isinstance(exc, (PILImage.DecompressionBombError, MemoryError))


def _unreadable(exc: BaseException) -> str:
    from PIL import Image as PILImage

    if isinstance(exc, PILImage.DecompressionBombError):
        return "claims a size no photo has (a decompression bomb)"
    if isinstance(exc, MemoryError):
        return "is too large to open in the memory available"
    return "cannot be read as a picture"


def _pillow_version() -> str:
    try:
        return metadata.version("Pillow")
    except metadata.PackageNotFoundError:  # a bundle without dist-info
        from PIL import __version__

        return __version__
