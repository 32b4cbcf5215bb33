"""The images one export publishes: each read once for its size, published without its metadata, with its smaller copies.

The pages ask first (`source`, while their bodies are rendered): an image's size and the copies
its `srcset` lists are settled then, so a copy the page names is one that can be made. A copy
the last export made from the same bytes (`published_before`, the writer's manifest) is trusted
as it is; any other is proven first by decoding the image, so a file that is cut short or
claims an impossible size is published whole, without copies, and said once in a warning.
The files are made later, by the export's jobs (`original`, `copy`), and only those the writer
does not keep from the last export: a second export of the same images encodes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fieldnotes_desktop.export.image_copies import (
    SIZES,
    ImageFacts,
    copy_inputs,
    decoding_problem,
    location_problem,
    measure,
    smaller_copies,
)
from fieldnotes_desktop.export.image_strip import STRIP_VERSION, Stripped, sniff, strip_metadata
from fieldnotes_desktop.export.images import AssetData, asset_path, copy_path
from fieldnotes_desktop.records import Asset
from fieldnotes_desktop.render.image_source import ImageSource
from fieldnotes_desktop.render.svg import is_svg

PublishedBefore = Callable[[str, str], bool]  # (site path, inputs) → the last export wrote it from them
CopyUrl = Callable[[Asset, int], str]  # an image and a copy's width → the copy's address on the page


def original_inputs(asset: Asset) -> str:
    """What an image's published file is made from: the writer keeps the last export's when the same."""
    return f"image-{STRIP_VERSION};{asset.sha256}"


class PublishedImages:
    """The images of one export. `copies=False` (a single file, the clipboard): sizes, no copies."""

    def __init__(self, asset_data: AssetData, *, copies: bool = True, warnings: list[str] | None = None) -> None:
        """`warnings`: where to say what could not be done (an image left without copies), one sentence each."""
        self._data = asset_data
        self._copies = copies
        self._facts: dict[str, ImageFacts] = {}
        self._before: PublishedBefore = _never
        # The image the jobs are at (an image's files are made one after the other): its bytes as
        # published, and its copies once one of them was asked for.
        self._held: tuple[str, Stripped, dict[int, bytes] | None] | None = None
        self.warnings: list[str] = [] if warnings is None else warnings

    def published_before(self, lookup: PublishedBefore) -> None:
        """How to ask what the last export into the same folder wrote (its manifest)."""
        self._before = lookup

    # -- what the pages say ----------------------------------------------------------------

    def facts(self, asset: Asset) -> ImageFacts:
        found = self._facts.get(asset.sha256)
        if found is None:
            found = self._facts[asset.sha256] = self._read(asset)
        return found

    def source(self, asset: Asset, url: str, copy_url: CopyUrl | None = None, *, lazy: bool = True) -> ImageSource:
        """What the `<img>` of `asset`, published at `url`, says: its size, and its copies by `copy_url`."""
        facts = self.facts(asset)
        srcset = ""
        if facts.copies and copy_url is not None:
            offers = [f"{copy_url(asset, width)} {width}w" for width in facts.copies]
            srcset = ", ".join([*offers, f"{url} {facts.width}w"])
        return ImageSource(url, facts.width, facts.height, srcset, SIZES if srcset else "", lazy)

    def preview_file(self, asset: Asset) -> tuple[str, int | None, int | None]:
        """The site path of the file a link preview should fetch, with its size: a copy of about
        the 1,200 pixels the previews ask for rather than a photo of many megabytes."""
        facts = self.facts(asset)
        if facts.width and facts.height and 1280 in facts.copies:
            return copy_path(asset, 1280), 1280, max(1, round(facts.height * 1280 / facts.width))
        return asset_path(asset), facts.width, facts.height

    # -- the files -------------------------------------------------------------------------

    def original(self, asset: Asset) -> bytes:
        """The image's file as published: its metadata taken out, its pixels as stored."""
        return self._stripped(asset).data

    def copy(self, asset: Asset, width: int) -> bytes:
        """The copy `width` pixels wide; the full-size file stands in when one cannot be made."""
        stripped = self._stripped(asset)
        assert self._held is not None
        made = self._held[2]
        if made is None:
            facts = self.facts(asset)
            try:
                made = smaller_copies(stripped, facts)
            except Exception as exc:  # noqa: BLE001 - the page names the copy: it must be there
                self.warnings.append(
                    f"The image “{asset.filename}” could not be made smaller ({type(exc).__name__}), "
                    "so its full-size file stands in for its smaller copies."
                )
                made = {}
            self._held = (asset.sha256, stripped, made)
        return made.get(width, stripped.data)

    def release(self) -> None:
        """Lets go of the image the jobs were last at, once the export is written or given up."""
        self._held = None

    # -- helpers ---------------------------------------------------------------------------

    def _stripped(self, asset: Asset) -> Stripped:
        if self._held is None or self._held[0] != asset.sha256:
            self._held = (asset.sha256, strip_metadata(self._data(asset.sha256)), None)
        return self._held[1]

    def _read(self, asset: Asset) -> ImageFacts:
        if is_svg(asset.filename, asset.mime):
            return ImageFacts(None)
        data = self._data(asset.sha256)
        kind = sniff(data)
        if kind is None:
            if location_problem(data):
                self.warnings.append(
                    f"The image “{asset.filename}” may hold the place it was taken, which the export takes "
                    "out of JPEG, PNG and WebP files only; save it as one of those to publish it without."
                )
            return ImageFacts(None)
        stripped = strip_metadata(data)
        facts = measure(stripped, kind)
        if not self._copies:
            return replace(facts, copies=(), problem="")
        if facts.copies and not all(self._before(copy_path(asset, w), copy_inputs(asset.sha256, w)) for w in facts.copies):
            problem = decoding_problem(stripped, facts)
            if problem:
                facts = replace(facts, copies=(), problem=problem)
        if facts.problem:
            self.warnings.append(
                f"The image “{asset.filename}” {facts.problem}, so it was published without smaller copies."
            )
        return facts


def _never(_path: str, _inputs: str) -> bool:
    return False
