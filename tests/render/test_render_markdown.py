"""render_markdown behaviour: nesting, code, source lines, CSS, short fields, isolation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import FrameType

import pytest

from fieldnotes_desktop.render import pygments_css, render_inline, render_markdown

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "source",
    [
        ">" * 200 + " deep\n\nTHE END\n",
        "\n".join(">" * n + f" level {n}" for n in range(1, 201)) + "\nTHE END\n",
        "".join("  " * n + f"- item {n}\n" for n in range(200)) + "\nTHE END\n",
        "".join("  " * n + f"- item {n}\n" for n in range(200)) + "THE END\n",
        "".join("   " * n + f"1. item {n}\n" for n in range(120)) + "\n\nTHE END\n",
    ],
    ids=["quote-one-line", "quote-lines", "list-blank", "list-lazy", "ordered"],
)
def test_deep_nesting_never_drops_the_rest(source: str) -> None:
    html = render_markdown(source)
    assert "THE END" in html
    assert html.count("<blockquote") + html.count("<li") > 20


def test_deep_nesting_keeps_every_item_text() -> None:
    html = render_markdown("".join("  " * n + f"- item{n}\n" for n in range(200)))
    assert all(f"item{n}" in html for n in range(200))


def test_pathological_inline_nesting_renders() -> None:
    html = render_markdown("[" * 5000 + "x" + "]" * 5000 + "\n\n" + "*a " * 3000 + "\n\nTHE END\n")
    assert "THE END" in html


def test_unknown_or_missing_language_is_plain_escaped_code() -> None:
    html = render_markdown("```klingon\n<b>&</b>\n```\n\n```\nplain\n```\n\n```{weird lang\nx\n```\n")
    assert '<pre data-line="0"><code class="language-klingon">&lt;b&gt;&amp;&lt;/b&gt;' in html
    assert '<pre data-line="4"><code>plain\n</code></pre>' in html
    assert "highlight" not in html


def test_known_language_is_highlighted_with_classes() -> None:
    html = render_markdown("```Python\nimport os\n```\n")
    assert html.startswith('<div class="highlight" data-line="0"><pre><code class="language-Python">')
    assert '<span class="kn">import</span>' in html


def test_block_elements_carry_their_source_line() -> None:
    source = "# H\n\npara\n\n- a\n- b\n\n> q\n\n---\n\n| t |\n|---|\n| 1 |\n\n    code\n"
    html = render_markdown(source)
    tags = re.findall(r"<(\w+)[^>]*?data-line=\"(\d+)\"", html)
    assert tags == [
        ("h1", "0"), ("p", "2"), ("ul", "4"), ("li", "4"), ("li", "5"),
        ("blockquote", "7"), ("p", "7"), ("hr", "9"), ("table", "11"), ("pre", "15"),
    ]  # fmt: skip


def test_front_matter_is_not_rendered() -> None:
    html = render_markdown("---\ntitle: Secret\n---\nBody\n")
    assert "Secret" not in html
    assert html == '<p data-line="3">Body</p>\n'


def test_output_is_identical_across_processes() -> None:
    # nh3 is Rust: hash order may differ per process, and must not reach the output.
    script = (
        "from fieldnotes_desktop.render import render_markdown;"
        "print(render_markdown(open(0).read()), end='')"
    )
    source = (Path(__file__).parent / "fixtures" / "tables_tasks.md").read_text(encoding="utf-8")
    source += '\n<input type="checkbox" checked>\n\n[x](https://a.example "t")\n'
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script], input=source, capture_output=True, text=True,
            cwd=ROOT, check=True, env={"PYTHONPATH": str(ROOT)},
        ).stdout
        for _ in range(3)
    }
    assert len(outputs) == 1


def test_pygments_css_light_dark_and_forced_dark() -> None:
    css = pygments_css()
    assert css.startswith("/* Pygments: light */\n.highlight")
    media = css.index("@media (prefers-color-scheme: dark)")
    assert ".highlight .k {" in css[:media]
    assert "  .highlight .k {" in css[media:]
    assert ".fn-dark .highlight .k {" in css
    assert "\npre {" not in css  # no global rules leaking out of .highlight


def test_render_inline_for_short_fields() -> None:
    html = render_inline("Walking the *Annapurna* circuit.\n\n<script>x()</script>")
    assert html == "<p>Walking the <em>Annapurna</em> circuit.</p>\n"


def test_render_package_imports_no_qt_or_sqlalchemy() -> None:
    script = (
        "import sys, fieldnotes_desktop.render as r; r.render_markdown('# x');"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')];"
        "sys.exit(1 if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, env={"PYTHONPATH": str(ROOT)})


def test_recursion_exhaustion_falls_back_to_text() -> None:
    source = ">" * 55 + " deep\n\nTHE END\n"
    depth = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 60)  # far below what 55 nested quotes need
    try:
        html = render_markdown(source)
    finally:
        sys.setrecursionlimit(limit)
    assert "THE END" in html
    assert html.startswith("<pre>&gt;&gt;&gt;")
