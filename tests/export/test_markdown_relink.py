"""Image references re-pointed for a Markdown export: every way a body writes one, each kept in its form."""

from __future__ import annotations

import pytest

from fieldnotes_desktop.export.markdown_out import relink_images

NAMES = {"summit view.jpg": "summit view.jpg", "ridge.png": "ridge.png"}


def to_bundle(reference: str) -> str | None:
    name = reference.rsplit("/", 1)[-1]
    return NAMES.get(name)


@pytest.mark.parametrize(("written", "exported"), [
    ("![a](assets/ridge.png)", "![a](ridge.png)"),
    ('![a](assets/ridge.png "the ridge")', '![a](ridge.png "the ridge")'),
    ("![a](<assets/summit view.jpg>)", "![a](<summit view.jpg>)"),
    ("![a](assets/summit%20view.jpg)", "![a](summit%20view.jpg)"),
    ("![a [b] c](assets/ridge.png?v=2#top)", "![a [b] c](ridge.png?v=2#top)"),
    ("[ridge]: assets/ridge.png", "[ridge]: ridge.png"),
    ('<img alt="x" src="assets/summit view.jpg">', '<img alt="x" src="summit%20view.jpg">'),
    ("![a](https://example.org/ridge.png)", "![a](https://example.org/ridge.png)"),
    ("![a](assets/missing.png)", "![a](assets/missing.png)"),
    ("[a link](assets/ridge.png)", "[a link](assets/ridge.png)"),
])  # fmt: skip
def test_each_form_is_kept(written: str, exported: str) -> None:
    assert relink_images(f"Before.\n\n{written}\n", to_bundle) == f"Before.\n\n{exported}\n"


def test_fenced_code_is_left_as_written() -> None:
    body = "~~~~md\n![a](assets/ridge.png)\n```\n![b](assets/ridge.png)\n~~~~\n![c](assets/ridge.png)\n"
    assert relink_images(body, to_bundle) == body.replace("![c](assets/", "![c](")


def test_line_endings_and_the_last_line_stay() -> None:
    body = "![a](assets/ridge.png)\r\nno newline at the end"
    assert relink_images(body, to_bundle) == "![a](ridge.png)\r\nno newline at the end"
