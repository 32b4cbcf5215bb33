"""The SVG sanitizer: hostile drawings come out inert, sound ones come out drawing the same shapes."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest

from fieldnotes_desktop.render.svg import (
    MAX_SVG_BYTES,
    MAX_SVG_DEPTH,
    MAX_SVG_ELEMENTS,
    UnsafeSvg,
    clean_stylesheet,
    is_svg,
    sanitize_svg,
)

SVG = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
DOT = '<circle cx="5" cy="5" r="4" fill="#336699"/>'


def svg(inner: str, attributes: str = "") -> bytes:
    return f'<svg {SVG} {XLINK} viewBox="0 0 10 10"{attributes}>{DOT}{inner}</svg>'.encode()


# (what it tries, the document, words that must not survive, lower-cased)
HOSTILE: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "script element": (svg("<script>alert(1)</script>"), ("script", "alert")),
    "script in CDATA": (svg("<script><![CDATA[alert(1)]]></script>"), ("script", "alert")),
    "script by href": (svg('<script xlink:href="https://evil.example/x.js"/>'), ("script", "evil")),
    "onload on the root": (svg("", ' onload="alert(1)"'), ("onload", "alert")),
    "handler on a shape": (svg('<rect width="1" height="1" onclick="alert(1)" onMouseOver="alert(2)"/>'), ("onclick", "onmouseover", "alert")),
    "handler on text": (svg('<text x="1">a<tspan onfocusin="alert(1)">b</tspan></text>'), ("onfocusin", "alert")),
    "foreignObject with html": (
        svg('<foreignObject width="9" height="9"><body xmlns="http://www.w3.org/1999/xhtml">'
            '<iframe src="https://evil.example/"/><script>alert(1)</script></body></foreignObject>'),
        ("foreignobject", "iframe", "evil", "alert", "script"),
    ),
    "html element in the svg namespace": (svg('<iframe src="https://evil.example/"/>'), ("iframe", "evil")),
    "xhtml script by prefix": (svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'), ("script", "alert")),
    "xml-events handler": (
        svg('<handler xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load">alert(1)</handler>'),
        ("handler", "alert"),
    ),
    "javascript link": (svg('<a href="javascript:alert(1)"><rect width="1" height="1"/></a>'), ("javascript", "alert")),
    "javascript by xlink": (svg('<a xlink:href=" JaVaScRiPt:alert(1)"><rect width="1" height="1"/></a>'), ("javascript", "alert")),
    "javascript behind char refs": (svg('<a href="&#106;ava&#x73;cript:alert(1)"><rect width="1" height="1"/></a>'), ("javascript", "alert")),
    "data: html link": (svg('<a href="data:text/html;base64,PHNjcmlwdD4="><rect width="1" height="1"/></a>'), ("data:",)),
    "outside use": (svg('<use href="https://evil.example/sprite.svg#icon"/>'), ("evil",)),
    "outside image": (svg('<image href="https://evil.example/track.png" width="1" height="1"/>'), ("evil",)),
    "local file image": (svg('<image xlink:href="file:///etc/passwd" width="1" height="1"/>'), ("passwd", "file:")),
    "nested active svg as image": (svg('<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="1" height="1"/>'), ("svg+xml",)),
    "feImage from outside": (svg('<filter id="f"><feImage href="https://evil.example/x.png"/></filter>'), ("evil",)),
    "set href to javascript": (
        svg('<a href="#ok"><set attributeName="href" to="javascript:alert(1)"/><rect width="1" height="1"/></a>'),
        ("<set", "javascript", "alert"),
    ),
    "animate href": (
        svg('<a><animate attributeName="href" values="javascript:alert(1)"/><rect width="1" height="1"/></a>'),
        ("animate", "javascript", "alert"),
    ),
    "animateMotion along outside path": (svg('<rect width="1" height="1"><animateMotion><mpath href="https://evil.example/p"/></animateMotion></rect>'), ("evil", "mpath")),
    "css @import": (svg('<style>@import url(https://evil.example/x.css); rect { fill: red }</style>'), ("@import", "evil")),
    "css url outside": (svg("<style>rect { fill: url(https://evil.example/p.svg#p) }</style>"), ("evil",)),
    "css url javascript": (svg("<style>rect { fill: url(javascript:alert(1)) }</style>"), ("javascript", "alert")),
    "css font-face": (svg("<style>@font-face { font-family: x; src: url(https://evil.example/f.woff) }</style>"), ("evil", "font-face")),
    "css escapes": (svg("<style>rect { fill: u\\72l(https://evil.example/x) }</style>"), ("evil",)),
    "css comment splitting": (svg("<style>rect { fill: ur/**/l(https://evil.example/x) }</style>"), ("evil",)),
    "css image-set": (svg('<style>rect { fill: image-set("https://evil.example/x.png" 1x) }</style>'), ("evil", "image-set")),
    "css split by a nested style": (
        svg("<style>@import url(https://evil.example/a.css);<style>rect { fill: red }</style></style>"),
        ("evil", "@import"),
    ),
    "css brace in a string": (svg("<style>rect { font-family: \"}\"; fill: url(https://evil.example/x) }</style>"), ("evil",)),
    "style attribute url": (svg('<rect width="1" height="1" style="fill: url(http://evil.example/a#b); stroke: blue"/>'), ("evil",)),
    "style attribute expression": (svg('<rect width="1" height="1" style="width: expression(alert(1))"/>'), ("expression", "alert")),
    "style attribute bindings": (svg('<rect width="1" height="1" style="behavior: url(x.htc); -moz-binding: url(y.xml#z)"/>'), ("behavior", "binding", "htc")),
    "presentation attribute url": (svg('<rect width="1" height="1" fill="url(http://evil.example/#g)"/>'), ("evil",)),
    "filter attribute url": (svg('<rect width="1" height="1" filter="url(https://evil.example/f.svg#f)"/>'), ("evil",)),
    "xml:base": (svg("", ' xml:base="https://evil.example/"'), ("evil", "xml:base")),
    "stylesheet processing instruction": (
        b'<?xml-stylesheet href="https://evil.example/x.css"?>' + svg(""),
        ("evil", "stylesheet"),
    ),
    "attribute default from the DTD": (
        b'<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>' + svg(""),
        ("onload", "alert", "doctype"),
    ),
    "inkscape namespace": (svg('<g xmlns:x="urn:x" x:onload="alert(1)"><rect width="1" height="1"/></g>'), ("alert",)),
    "metadata": (svg("<metadata><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>tracking</rdf:RDF></metadata>"), ("tracking", "rdf")),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_svg_comes_out_inert(case: str) -> None:
    document, forbidden = HOSTILE[case]
    clean = sanitize_svg(document)
    text = clean.decode("utf-8").lower()
    assert not [word for word in forbidden if word in text], text
    root = ET.fromstring(clean)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}circle") is not None  # the drawing itself stays
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (name, value)
            if name.endswith("href"):
                assert value.startswith(("#", "data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"))


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_sanitizing_is_deterministic_and_idempotent(case: str) -> None:
    document, _ = HOSTILE[case]
    once = sanitize_svg(document)
    assert sanitize_svg(document) == once
    assert sanitize_svg(once) == once


REFUSED: dict[str, tuple[bytes, str]] = {
    "not xml": (b"<svg><g></svg>", "not well-formed"),
    "not anything": (b"", "not well-formed"),
    "html": (b"<html><body onload='alert(1)'/></html>", "not an SVG"),
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]><svg>&d;</svg>',
        "entities",
    ),
    "external entity": (b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>', "entities"),
    "external parameter entity": (b'<!DOCTYPE svg [<!ENTITY % p SYSTEM "https://evil.example/x.dtd"> %p;]><svg/>', "entities"),
    "too deep": (b"<svg " + SVG.encode() + b">" + b"<g>" * 10_000 + b"</g>" * 10_000 + b"</svg>", "deeper"),
    "too many elements": (b"<svg " + SVG.encode() + b">" + b"<g/>" * (MAX_SVG_ELEMENTS + 1) + b"</svg>", "more than"),
    "too big": (b"<svg " + SVG.encode() + b">" + b" " * MAX_SVG_BYTES + b"</svg>", "larger than"),
    "compressed": (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "compressed"),
    "nothing but script": (f"<svg {SVG}><script>alert(1)</script></svg>".encode(), "nothing drawable"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_cannot_be_made_safe_is_refused_quickly_with_a_reason(case: str) -> None:
    document, reason = REFUSED[case]
    started = time.monotonic()
    with pytest.raises(UnsafeSvg) as caught:
        sanitize_svg(document)
    assert time.monotonic() - started < 5
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_depth_limit_leaves_room_for_real_drawings() -> None:
    nested = b"<g>" * (MAX_SVG_DEPTH - 2) + b'<rect width="1" height="1"/>' + b"</g>" * (MAX_SVG_DEPTH - 2)
    document = b"<svg " + SVG.encode() + b">" + nested + b"</svg>"
    assert sanitize_svg(document) == document


SOUND = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg {SVG} {XLINK} width="120" height="80" viewBox="0 0 120 80" role="img" aria-label="A hut">
  <title>Hut at dusk</title>
  <desc>Sky, ridge and a lit window.</desc>
  <style>.window {{ fill: #ffcf70; stroke: none }} .ridge > path {{ stroke-width: 2 }}</style>
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1" gradientUnits="objectBoundingBox">
      <stop offset="0" stop-color="#23304a"/>
      <stop offset="1" stop-color="#e9b48a" stop-opacity="0.9"/>
    </linearGradient>
    <radialGradient id="glow" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#fff"/></radialGradient>
    <clipPath id="frame"><rect width="120" height="80" rx="4"/></clipPath>
    <symbol id="star" viewBox="0 0 2 2"><circle cx="1" cy="1" r="1"/></symbol>
    <filter id="soft"><feGaussianBlur stdDeviation="0.5"/></filter>
    <marker id="tip" markerWidth="4" markerHeight="4" refX="2" refY="2" orient="auto"><path d="M0 0 L4 2 L0 4 Z"/></marker>
  </defs>
  <g clip-path="url(#frame)">
    <rect width="120" height="80" fill="url(#sky)"/>
    <use href="#star" x="10" y="10" width="2" height="2"/>
    <use xlink:href="#star" x="30" y="6" width="2" height="2"/>
    <g class="ridge" transform="translate(0 10) scale(1)">
      <path d="M0 50 L30 30 L60 45 L90 20 L120 40 L120 80 L0 80 Z" fill="#4a3d4c" stroke="#2c2532" marker-end="url(#tip)"/>
    </g>
    <polygon points="70,60 80,52 90,60" fill="#1d1820"/>
    <rect class="window" x="77" y="60" width="6" height="5" style="filter:url(#soft);opacity:0.9"/>
    <ellipse cx="80" cy="62" rx="9" ry="6" fill="url(#glow)" opacity="0.3"/>
    <line x1="0" y1="79" x2="120" y2="79" stroke="#000" stroke-dasharray="2 1"/>
    <polyline points="0,70 10,68 20,71" fill="none" stroke="#fff"/>
    <image x="1" y="1" width="1" height="1" href="data:image/png;base64,iVBORw0KGgo="/>
    <text x="4" y="76" font-family="'Open Sans', sans-serif" font-size="6" xml:space="preserve">Hut <tspan font-weight="bold">&amp;</tspan> ridge</text>
  </g>
</svg>
"""


def _shapes(document: bytes) -> list[tuple[str, dict[str, str], str]]:
    """Every element with its attributes and its non-blank text, in document order."""
    return [
        (element.tag, dict(element.attrib), (element.text or "").strip())
        for element in ET.fromstring(document).iter()
    ]


def test_a_sound_drawing_keeps_every_shape_attribute_and_word() -> None:
    document = SOUND.encode()
    clean = sanitize_svg(document)
    assert _shapes(clean)[0][0] == "{http://www.w3.org/2000/svg}svg"
    expected = _shapes(document)
    actual = _shapes(clean)
    # Only the stylesheet's spacing may change; its rules stay.
    style = "{http://www.w3.org/2000/svg}style"
    assert [s for s in actual if s[0] != style] == [s for s in expected if s[0] != style]
    (css,) = [text for tag, _, text in actual if tag == style]
    assert css == ".window{fill:#ffcf70;stroke:none}\n.ridge > path{stroke-width:2}"


def test_a_drawing_that_needs_nothing_removed_is_returned_byte_for_byte() -> None:
    document = f'<svg {SVG} viewBox="0 0 4 4">\n  <!-- one dot -->\n  <circle r="2" fill="url(#g)"/>\n</svg>\n'.encode()
    assert sanitize_svg(document) is document or sanitize_svg(document) == document


def test_a_drawing_without_its_namespace_gets_it() -> None:
    clean = sanitize_svg(b'<svg viewBox="0 0 1 1"><rect width="1" height="1"/></svg>')
    assert ET.fromstring(clean).tag == "{http://www.w3.org/2000/svg}svg"


def test_utf16_drawings_come_out_as_utf8() -> None:
    document = f'<?xml version="1.0" encoding="UTF-16"?><svg {SVG}><text>Zürich</text></svg>'.encode("utf-16")
    assert "Zürich".encode() in sanitize_svg(document)


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        (".a { fill: red; }", ".a{fill:red}"),
        ("@media print { .a { fill: red } } .b { stroke: blue }", ".b{stroke:blue}"),
        (".a { fill: red; background: url(x.png); cursor: pointer }", ".a{fill:red}"),
        (".a[href^='x'] { fill: red }", ""),
        ("rect { fill: url(#g) } circle { fill: url('#h') }", "rect{fill:url(#g)}\ncircle{fill:url('#h')}"),
    ],
)
def test_stylesheets_keep_plain_rules_only(css: str, expected: str) -> None:
    assert clean_stylesheet(css) == expected


@pytest.mark.parametrize(
    ("name", "mime", "expected"),
    [("a.svg", None, True), ("A.SVGZ", None, True), ("a.png", "image/svg+xml", True), ("a.png", "image/png", False)],
)
def test_what_counts_as_svg(name: str, mime: str | None, expected: bool) -> None:
    assert is_svg(name, mime) is expected
