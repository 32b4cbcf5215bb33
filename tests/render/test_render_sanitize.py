"""Hostile HTML in an entry must come out inert, and generated markup must survive."""

from __future__ import annotations

import re

import pytest

from fieldnotes_desktop.render import render_markdown


@pytest.mark.parametrize(
    ("payload", "forbidden"),
    [
        ("<script>alert('x')</script>", r"<script|alert"),
        ('<img src="x.png" onerror="alert(1)">', r"onerror"),
        ('<a href="javascript:alert(1)">x</a>', r"javascript:"),
        ('<a href="  JaVaScRiPt:alert(1)">x</a>', r"(?i)javascript:"),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', r"(?i)ascript:"),
        ("[click](javascript:alert(1))", r'href="javascript:'),
        ('<a href="vbscript:msgbox(1)">x</a>', r"vbscript:"),
        ('<iframe src="https://evil.example"></iframe>', r"<iframe|evil"),
        ('<base href="https://evil.example/">', r"<base|evil"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', r"<meta|evil"),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', r"<link|evil"),
        ("<style>body { display: none }</style>", r"<style|display"),
        ('<p style="position:fixed;top:0">x</p>', r"style="),
        ('<object data="x.swf"></object><embed src="x.swf">', r"<object|<embed"),
        ('<form action="https://evil.example"><input name="q"></form>', r"<form|<input|evil"),
        ('<input type="text" value="x">', r"<input"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', r"data:"),
        ("[x](data:image/png;base64,iVBORw0KGgo=)", r"data:"),
        ('<img src="data:text/html,<script>x</script>">', r"data:|<script"),
        ('<svg onload="alert(1)"><circle/></svg>', r"<svg|onload"),
        ('<div onmouseover="alert(1)">hover</div>', r"onmouseover"),
    ],
)
def test_payload_is_neutralised(payload: str, forbidden: str) -> None:
    html = render_markdown(f"Before\n\n{payload}\n\nAfter\n")
    assert not re.search(forbidden, html), html
    assert "After" in html


def test_data_image_kept_in_img_src_only() -> None:
    image = "data:image/png;base64,iVBORw0KGgo="
    html = render_markdown(f'![dot]({image})\n\n<img src="{image}" alt="raw">\n')
    assert html.count(f'src="{image}"') == 2


def test_table_alignment_style_keeps_only_text_align() -> None:
    html = render_markdown(
        '| a |\n|--:|\n| 1 |\n\n<table><tr><td style="text-align:left;color:red">x</td></tr></table>\n'
    )
    assert 'style="text-align:right"' in html
    assert "color" not in html
    assert 'style="text-align:left"' in html


def test_generated_markup_survives_sanitizing() -> None:
    source = (
        "# Title\n\n- [x] done\n- [ ] todo\n\nNote[^1]\n\n"
        "```python\nx = 1\n```\n\n[^1]: The note.\n"
    )
    html = render_markdown(source)
    assert '<h1 id="title" data-line="0">' in html
    assert 'class="task-list-item-checkbox" checked="checked" type="checkbox" disabled' in html
    assert '<section class="footnotes">' in html
    assert '<li id="fn1" class="footnote-item">' in html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
    assert '<span class="n">x</span>' in html
    assert '<div class="highlight" data-line="7">' in html


def test_image_url_maps_markdown_and_raw_images() -> None:
    seen: list[str] = []

    def image_url(source: str) -> str | None:
        seen.append(source)
        return f"assets/{source}" if source.endswith(".png") else None

    html = render_markdown(
        '![a](<my photo.png>)\n\n<img src="b.png">\n\n![c](https://x.example/c.jpg)\n',
        image_url=image_url,
    )
    assert seen == ["my photo.png", "b.png", "https://x.example/c.jpg"]
    assert 'src="assets/my photo.png"' in html
    assert 'src="assets/b.png"' in html
    assert 'src="https://x.example/c.jpg"' in html
