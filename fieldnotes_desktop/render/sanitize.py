"""Sanitize rendered HTML with nh3 against an allow-list fit for blog entries."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

import nh3

from fieldnotes_desktop.render.image_source import ImageSource, add_image_attributes

# An image source as written → its address (with, as an `ImageSource`, its size and copies), or
# None to leave it as written.
ImageUrl = Callable[[str], str | ImageSource | None]

_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "input", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt",
        "ruby", "s", "samp", "section", "small", "span", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
        "ul", "var", "wbr",
    }
)  # fmt: skip
# Dropped together with their content: nothing in them is meant to be read as text.
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
)
_SOURCE_MAP = {"data-line", "data-key", "data-lines"}
_HEADING = {"id", "data-line"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "id"},
    "img": {"src", "alt", "width", "height"},
    # Task-list checkboxes (type is restricted below, and `disabled` forced).
    "input": {"checked"},
    "li": {"id", "data-line"},
    "ol": {"start", "data-line"},
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "section": _SOURCE_MAP,
    "time": {"datetime"},
    **{tag: {"data-line"} for tag in ("p", "ul", "blockquote", "pre", "div", "table", "hr")},
    **{f"h{level}": _HEADING for level in range(1, 7)},
}
_ALLOWED_VALUES = {"input": {"type": {"checkbox"}}}
# One forced attribute only: nh3 adds several in hash order, which varies per process.
_FORCED = {"input": {"disabled": "disabled"}}
# `data` passes nh3's scheme check only to reach `_filter`, which keeps it for images.
_SCHEMES = {"http", "https", "mailto", "tel", "data"}
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# The page around a body owns the ids starting `fn-` (the preview fills `fn-entry-footer` by
# id), so a body id there, from a heading or raw HTML, is moved aside. Footnotes use `fn1`.
PAGE_ID_PREFIX = "fn-"
USER_ID_PREFIX = "user-"


class Sanitizer:
    """Cleans HTML fragments; `image_url` maps each image source (see `render_markdown`)."""

    def __init__(self, image_url: ImageUrl | None = None) -> None:
        self._image_url = image_url
        self._sources: dict[str, ImageSource] = {}  # what `image_url` said during one `clean`
        self._cleaner = nh3.Cleaner(
            tags=set(_TAGS),
            clean_content_tags=set(_DROP_WITH_CONTENT),
            attributes=_ATTRIBUTES,
            attribute_filter=self._filter,
            tag_attribute_values=_ALLOWED_VALUES,
            set_tag_attribute_values=_FORCED,
            url_schemes=_SCHEMES,
            filter_style_properties={"text-align"},
            strip_comments=True,
        )

    def clean(self, html: str) -> str:
        """`html` sanitized; every `<img>` also told how to load, and its size when `image_url` knows it."""
        self._sources = {}
        try:
            return add_image_attributes(self._cleaner.clean(html), self._sources)
        finally:
            self._sources = {}

    def _filter(self, tag: str, attribute: str, value: str) -> str | None:
        # nh3 does not check what this returns, so everything returned here is vetted.
        if attribute == "id":
            return USER_ID_PREFIX + value if value.startswith(PAGE_ID_PREFIX) else value
        if attribute not in _URL_ATTRIBUTES:
            return value
        is_image = tag == "img" and attribute == "src"
        if _is_data_url(value):
            return value if is_image and _is_data_image(value) else None
        if is_image and self._image_url is not None:
            mapped = self._image_url(unquote(value))
            if isinstance(mapped, ImageSource):
                self._sources[mapped.url] = mapped
                return mapped.url
            return value if mapped is None else mapped
        return value


def _is_data_url(value: str) -> bool:
    return value.lstrip(" \t\n\r\f\x00").lower().startswith("data:")


def _is_data_image(value: str) -> bool:
    return value.lstrip(" \t\n\r\f\x00").lower().startswith("data:image/")
