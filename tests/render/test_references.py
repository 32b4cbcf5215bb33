"""The line-by-line reading of a body finds the links, images and anchors the real render gives it."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from fieldnotes_desktop.render import render_markdown
from fieldnotes_desktop.render.references import IMAGE, LINK, Reference, page_anchors, scan_body

FIXTURES = Path(__file__).parent / "fixtures"
_ID = re.compile(r'\sid="([^"]*)"')
_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')
_SRC = re.compile(r'<img\s[^>]*?src="([^"]*)"')

TRICKY = """\
---
title: Not the body
---
# Fn notes
## The *big* `climb` [up](../north-ridge/)
## The big climb
## The big climb
Setext **one**
over two lines
---
> ## Quoted
- ## In a list

Text[^a] and <a id="here" href="../raw-link/">raw</a> <img src="assets/raw.png" alt="Raw">.

```
[fenced](../not-a-link/)
```

    [indented](../not-a-link-either/)

A `[code span](../no/)`, an <!-- [hidden](../no/) --> comment, a \\[escaped](../no/) bracket.
[![a *fine* view](assets/view.png)](../wrapped/#top) and [text][used].

[used]: ../by-reference/#part
[unused]: ../never/

[^a]: A note with [a link](#fn1).
"""


def judged(targets: list[str]) -> list[str]:
    """Links the checks judge: not other sites, nor the footnotes' own (`#fn1`, `#fnref1:2`)."""
    return [t for t in targets if not t.startswith(("http://", "https://", "mailto:"))
            and not re.fullmatch(r"#fn(?:ref)?\d+(?::\d+)?", t)]


def rendered(body: str) -> tuple[set[str], list[str], list[str]]:
    """The ids, link targets and image sources of the real render."""
    out = render_markdown(body)
    return (
        set(_ID.findall(out)),
        judged([unquote(html.unescape(h)) for h in _HREF.findall(out)]),
        [unquote(html.unescape(s)) for s in _SRC.findall(out)],
    )


def scanned(body: str) -> tuple[set[str], list[str], list[str]]:
    scan = scan_body(body)
    return (
        set(scan.anchors),
        judged([unquote(r.target) for r in scan.references if r.kind == LINK]),
        [unquote(r.target) for r in scan.references if r.kind == IMAGE],
    )


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.md")))
def test_the_scan_agrees_with_the_render_on_the_fixtures(name: str) -> None:
    body = (FIXTURES / name).read_text(encoding="utf-8")
    ids, links, images = rendered(body)
    found_ids, found_links, found_images = scanned(body)
    # A footnote referred to twice has a second back-link id (`fnref1:1`), which nobody links to.
    assert found_ids == {i for i in ids if ":" not in i}
    assert (found_links, found_images) == (links, images)


def test_the_scan_agrees_with_the_render_where_markdown_is_tricky() -> None:
    ids, links, images = rendered(TRICKY)
    assert scanned(TRICKY) == (ids, links, images)
    assert page_anchors(TRICKY) == ids


def test_each_reference_carries_its_line_and_an_images_alt_text() -> None:
    assert scan_body(TRICKY).references == (
        Reference(LINK, "../north-ridge/", 5),
        Reference(LINK, "../raw-link/", 14),
        Reference(IMAGE, "assets/raw.png", 14, "Raw"),
        Reference(IMAGE, "assets/view.png", 23, "a fine view"),
        Reference(LINK, "../wrapped/#top", 23),
        Reference(LINK, "../by-reference/#part", 25),
        Reference(LINK, "#fn1", 28),
    )


def test_hand_written_ids_are_kept_as_typed_beside_the_ids_the_page_gives_them() -> None:
    scan = scan_body('<span id="mark">x</span>\n')
    assert scan.raw_ids == {"mark"} and scan.anchors == {"user-mark"}
