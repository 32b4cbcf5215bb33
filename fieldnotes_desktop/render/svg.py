"""Makes an SVG image inert: only drawing elements and attributes survive, never script or links out."""

# An SVG opened from the published site runs on the site's origin, so its bytes are rebuilt
# from an allow-list rather than scrubbed of what we know to be bad. Same input, same output:
# the stored asset is named by the hash of what this returns.

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

SVG_MIME = "image/svg+xml"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Drawings worth publishing stay well inside these; past them parsing time and memory would
# grow with whatever a hostile file asks for. The parser streams, so memory stays near the
# size of the file.
MAX_SVG_BYTES = 10 * 1024 * 1024
MAX_SVG_ELEMENTS = 200_000
MAX_SVG_DEPTH = 100
_CHUNK = 64 * 1024

_FILTER_PRIMITIVES = (
    "feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting "
    "feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR "
    "feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset fePointLight "
    "feSpecularLighting feSpotLight feTile feTurbulence"
)
# Everything else (script, foreignObject, set, animate*, handler, iframe, metadata…) goes
# with its content. Animation goes too: it can set any attribute, href included.
_ELEMENTS = frozenset(
    (
        "svg g defs symbol use switch a title desc style path rect circle ellipse line polyline "
        "polygon text tspan textPath image linearGradient radialGradient stop pattern clipPath "
        "mask marker filter " + _FILTER_PRIMITIVES
    ).split()
)
_TEXT_ELEMENTS = frozenset({"text", "tspan", "textPath", "title", "desc", "a"})
# Values shown or matched, never fetched or run.
_NAME_ATTRIBUTES = frozenset({"id", "class", "in", "in2", "result", "role", "lang", "systemLanguage"})
# What the presentation attributes and `style` may set.
_PROPERTIES = frozenset(
    """alignment-baseline baseline-shift clip clip-path clip-rule color color-interpolation
    color-interpolation-filters color-rendering direction display dominant-baseline
    fill fill-opacity fill-rule filter flood-color flood-opacity font font-family font-feature-settings
    font-kerning font-size font-size-adjust font-stretch font-style font-variant font-weight
    glyph-orientation-horizontal glyph-orientation-vertical image-rendering isolation
    letter-spacing lighting-color line-height marker marker-end marker-mid marker-start mask
    mask-type mix-blend-mode opacity overflow paint-order pointer-events shape-rendering
    stop-color stop-opacity stroke stroke-dasharray stroke-dashoffset stroke-linecap
    stroke-linejoin stroke-miterlimit stroke-opacity stroke-width text-anchor text-decoration
    text-rendering transform transform-box transform-origin unicode-bidi vector-effect
    visibility white-space word-spacing writing-mode""".split()
)
_ATTRIBUTES = _PROPERTIES | frozenset(
    """x y x1 y1 x2 y2 cx cy r rx ry fx fy fr d points pathLength width height viewBox
    preserveAspectRatio version baseProfile gradientUnits gradientTransform spreadMethod offset
    patternUnits patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits
    markerWidth markerHeight markerUnits refX refY orient dx dy rotate textLength lengthAdjust
    startOffset method spacing side filterUnits primitiveUnits stdDeviation mode operator k1 k2
    k3 k4 values type tableValues slope intercept amplitude exponent order kernelMatrix divisor
    bias targetX targetY edgeMode preserveAlpha surfaceScale diffuseConstant specularConstant
    specularExponent kernelUnitLength scale xChannelSelector yChannelSelector radius
    baseFrequency numOctaves seed stitchTiles azimuth elevation pointsAtX pointsAtY pointsAtZ
    limitingConeAngle z""".split()
)
_RASTER_HREF_ELEMENTS = frozenset({"image", "feImage"})
_FRAGMENT = re.compile(r"#[\w.:-]+\Z")
_DATA_RASTER = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z", re.IGNORECASE)
_FUNCTIONS = frozenset(
    "url rgb rgba hsl hsla hwb lab lch oklab oklch calc min max clamp var "
    "matrix translate translatex translatey scale scalex scaley rotate skewx skewy".split()
)
_FUNCTION = re.compile(r"([a-z_-][\w-]*)\s*\(", re.IGNORECASE)
_URL = re.compile(r"""url\(\s*(["']?)#[\w.:-]+\1\s*\)""", re.IGNORECASE)
# A backslash escape can spell `url(` or `@import` in a way a plain search misses.
_NEVER_IN_VALUES = frozenset("\\<>{};@")
_SELECTOR = re.compile(r"[\w\s.#*,>+~:()\[\]=|^$-]+\Z")
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_DECLARED_ENCODING = re.compile(rb"""(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


class UnsafeSvg(ValueError):
    """The bytes are not an SVG that can be made inert; the message is a clause, e.g. "is not XML"."""


def is_svg(filename: str, mime: str | None = None) -> bool:
    """Whether a browser would treat the file as SVG, going by its name or type."""
    return filename.lower().endswith((".svg", ".svgz")) or "svg" in (mime or "").lower()


def sanitize_svg(data: bytes) -> bytes:
    """The same drawing without script, event handlers, outside references or foreignObject.

    A file that needed nothing removed comes back byte for byte. Raises `UnsafeSvg` when the
    bytes are not well-formed SVG, use XML entities, exceed the limits above, or hold nothing
    drawable once the unsafe parts are gone.
    """
    if data.startswith(b"\x1f\x8b"):
        raise UnsafeSvg("is a compressed SVG (.svgz)")
    if len(data) > MAX_SVG_BYTES:
        raise UnsafeSvg(f"is larger than {MAX_SVG_BYTES // (1024 * 1024)} MB")
    rebuilt = _Rebuilder()
    parser = DefusedXMLParser(target=rebuilt, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    try:
        for start in range(0, len(data), _CHUNK):
            parser.feed(data[start : start + _CHUNK])
        parser.close()
    except ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise UnsafeSvg(f"is not well-formed XML (line {line})") from None
    except DefusedXmlException:
        raise UnsafeSvg("declares XML entities or outside references") from None
    if rebuilt.root is None:
        raise UnsafeSvg("is empty")
    if rebuilt.dropped_all:
        raise UnsafeSvg("holds nothing drawable once its scripts and links are taken out")
    if not rebuilt.changed and _plain_utf8(data) and rebuilt.root == SVG_NS:
        return data
    return rebuilt.output.getvalue().encode("utf-8")


def _plain_utf8(data: bytes) -> bool:
    # A DOCTYPE's internal subset can add attributes (an `onload` by ATTLIST default) that the
    # rebuilt copy leaves out; the original bytes keep them, so they are not handed back.
    if b"<!doctype" in data.lower():
        return False
    # Handed back only when the browser will read the bytes exactly as they were checked.
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"us-ascii", b"ascii"):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Rebuilder:
    """Parser target writing the allowed part of the document as it streams by."""

    def __init__(self) -> None:
        self.output = io.StringIO()
        self.root: str | None = None  # namespace of the root element, once seen
        self.changed = False
        self.dropped_all = False
        self._depth = 0
        self._elements = 0
        self._skipping = 0  # depth inside a dropped element
        self._open: list[str] = []  # names of kept elements, innermost last
        self._tag_pending = False  # a start tag written without its closing ">"
        self._children = 0  # kept elements below the root
        self._style: list[str] | None = None

    # -- parser callbacks ------------------------------------------------------------------

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        self._depth += 1
        self._elements += 1
        if self._depth > MAX_SVG_DEPTH:
            raise UnsafeSvg(f"nests elements deeper than {MAX_SVG_DEPTH} levels")
        if self._elements > MAX_SVG_ELEMENTS:
            raise UnsafeSvg(f"has more than {MAX_SVG_ELEMENTS:,} elements")
        if self._skipping:
            self._skipping += 1
            return
        namespace, name = _split(tag)
        if self.root is None:
            if name != "svg" or namespace not in (SVG_NS, ""):
                raise UnsafeSvg(f"is not an SVG image (it starts with <{name}>)")
            self.root = namespace
            if namespace != SVG_NS:
                self.changed = True  # written out with the namespace it needs to display
        elif namespace not in (SVG_NS, "") or name not in _ELEMENTS or self._style is not None:
            # Nothing but text belongs in <style>: an element there would hide part of its CSS.
            self.changed = True
            self._skipping = 1
            return
        self._close_pending()
        if self._open:
            self._children += 1
        self.output.write(f"<{name}")
        if not self._open:
            self.output.write(f' xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}"')
        for key, value in attrib.items():
            kept = _attribute(name, key, value)
            if kept is None or kept[1] != value:
                self.changed = True
            if kept is not None:
                self.output.write(f' {kept[0]}="{_escape_attribute(kept[1])}"')
        self._open.append(name)
        self._tag_pending = True
        if name == "style":
            self._style = []

    def end(self, tag: str) -> None:
        self._depth -= 1
        if self._skipping:
            self._skipping -= 1
            return
        name = self._open.pop()
        if self._style is not None:
            source = "".join(self._style)
            self._style = None
            css = clean_stylesheet(source)
            if css != source:
                self.changed = True
            if css:
                self._close_pending()
                self.output.write(_escape_text(css))
        if self._tag_pending:
            self.output.write("/>")
            self._tag_pending = False
        else:
            self.output.write(f"</{name}>")
        if not self._open and self._children == 0 and self.changed:
            self.dropped_all = True

    def data(self, text: str) -> None:
        if self._skipping or not self._open:
            return
        if self._style is not None:
            self._style.append(text)
            return
        if self._open[-1] not in _TEXT_ELEMENTS and text.strip():
            self.changed = True  # stray text outside <text> is never drawn
            return
        self._close_pending()
        self.output.write(_escape_text(text))

    def pi(self, target: str, text: str) -> None:
        self.changed = True  # <?xml-stylesheet?> would load a stylesheet from anywhere

    def close(self) -> None:
        return None

    def _close_pending(self) -> None:
        if self._tag_pending:
            self.output.write(">")
            self._tag_pending = False


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _attribute(element: str, key: str, value: str) -> tuple[str, str] | None:
    """The attribute as written out, or None when it goes."""
    namespace, name = _split(key)
    if namespace == XLINK_NS and name == "href" or not namespace and name == "href":
        prefixed = "xlink:href" if namespace else "href"
        return (prefixed, value) if _safe_href(element, value) else None
    if namespace == XML_NS and name in ("space", "lang"):
        return f"xml:{name}", value
    if namespace:
        return None
    if name in _NAME_ATTRIBUTES or name.startswith("aria-"):
        return name, value
    if name == "style":
        declarations = clean_declarations(value)
        return (name, value) if declarations == value else ((name, declarations) if declarations else None)
    if name in _ATTRIBUTES and safe_value(value):
        return name, value
    return None


def _safe_href(element: str, value: str) -> bool:
    reference = value.strip()
    if _FRAGMENT.match(reference):
        return True
    return element in _RASTER_HREF_ELEMENTS and _DATA_RASTER.match(reference) is not None


def safe_value(value: str) -> bool:
    """A presentation value that runs nothing and fetches nothing: `url(#id)` is the only link."""
    if _NEVER_IN_VALUES & set(value) or "script:" in value.lower():
        return False
    for match in _FUNCTION.finditer(value):
        name = match.group(1).lower()
        if name not in _FUNCTIONS:
            return False
        if name == "url" and not _URL.match(value, match.start()):
            return False
    return True


def clean_declarations(text: str) -> str:
    """`prop: value; …` with only allowed properties and safe values, as `prop:value;prop:value`."""
    kept = []
    for part in _COMMENT.sub(" ", text).split(";"):
        name, colon, value = part.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon or name not in _PROPERTIES or not value or not safe_value(value):
            continue
        if value.count('"') % 2 or value.count("'") % 2:
            continue  # an open string would swallow what follows it
        kept.append(f"{name}:{value}")
    return ";".join(kept)


def clean_stylesheet(css: str) -> str:
    """Plain `selector{declarations}` rules; at-rules (@import, @font-face, @media…) are dropped."""
    if "\\" in css:
        return ""
    rules = []
    for prelude, block in _top_level_rules(_COMMENT.sub(" ", css)):
        selector = " ".join(prelude.split())
        if not selector or selector.startswith("@") or not _SELECTOR.match(selector) or "{" in block:
            continue
        declarations = clean_declarations(block)
        if declarations:
            rules.append(f"{selector}{{{declarations}}}")
    return "\n".join(rules)


def _top_level_rules(css: str) -> list[tuple[str, str]]:
    """(prelude, block) pairs at depth 0; a statement at-rule ends at `;` and is returned blockless."""
    rules: list[tuple[str, str]] = []
    depth, start, block_start = 0, 0, 0
    quote = ""
    for index, char in enumerate(css):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "{":
            if depth == 0:
                block_start = index
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                rules.append((css[start:block_start], css[block_start + 1 : index]))
                start = index + 1
        elif char == ";" and depth == 0:
            rules.append((css[start:index], "{"))  # "{" marks it as no plain rule
            start = index + 1
    return rules


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return (
        _escape_text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
    )
