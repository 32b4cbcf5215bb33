"""Whether alt text is real: placeholders, file names and camera names are not; a description is."""

from __future__ import annotations

import pytest

from fieldnotes_desktop.render.alt_text import images_in, is_real_alt_text


@pytest.mark.parametrize(
    ("alt", "filename"),
    [
        ("", "ridge.jpg"),
        ("   ", ""),
        ("--", ""),
        ("image", ""),
        ("Image 3", ""),
        ("Pasted image", ""),
        ("pasted_image_20240501.png", ""),
        ("Screenshot", ""),
        ("Screenshot 2024-05-01 at 10.11.12", ""),
        ("photo", ""),
        ("IMG_1234", ""),
        ("IMG_1234.JPG", ""),
        ("DSC01234", ""),
        ("PXL_20240501_101112345", ""),
        ("20240501_101112", ""),
        ("summit.jpg", ""),
        ("summit view", "summit view.jpg"),
        ("summit-view", "summit_view.jpg"),
        ("Summit View", "assets/summit-view.jpg"),
    ],
)
def test_alt_text_that_says_nothing(alt: str, filename: str) -> None:
    assert not is_real_alt_text(alt, filename)


@pytest.mark.parametrize(
    ("alt", "filename"),
    [
        ("The ridge at dawn, seen from the hut", "IMG_1234.JPG"),
        ("Summit view from the north", "summit view.jpg"),
        ("A screenshot of the export dialog", "shot.png"),
        ("1984", ""),
        ("K2", ""),
        ("Route 66 at night", ""),
    ],
)
def test_alt_text_that_describes(alt: str, filename: str) -> None:
    assert is_real_alt_text(alt, filename)


def test_images_in_sanitized_html_with_their_alt() -> None:
    html = '<p><img src="../assets/ab.png" alt="A &quot;tent&quot; &amp; snow"> <img src="x.png"></p>'
    assert images_in(html) == [("../assets/ab.png", 'A "tent" & snow'), ("x.png", "")]
