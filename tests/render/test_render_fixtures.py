"""Render each fixtures/*.md and compare with its fixtures/*.html twin.

To accept new output on purpose (after checking the diff):
    FIELDNOTES_REFRESH_FIXTURES=1 python -m pytest tests/render/test_render_fixtures.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldnotes_desktop.render import render_markdown

FIXTURES = Path(__file__).parent / "fixtures"
REFRESH = os.environ.get("FIELDNOTES_REFRESH_FIXTURES") == "1"


def _image_url(source: str) -> str | None:
    # Stands in for the export's asset mapping: local names go under assets/.
    return None if "://" in source else f"assets/{source}"


@pytest.mark.parametrize("source", sorted(FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_fixture_renders_as_recorded(source: Path) -> None:
    expected_path = source.with_suffix(".html")
    html = render_markdown(source.read_text(encoding="utf-8"), image_url=_image_url)
    if REFRESH or not expected_path.exists():
        expected_path.write_text(html, encoding="utf-8")
        if not REFRESH:
            pytest.fail(f"recorded missing fixture {expected_path.name}; review and re-run")
    assert html == expected_path.read_text(encoding="utf-8")
