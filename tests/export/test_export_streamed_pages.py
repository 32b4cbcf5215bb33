"""Pages written a piece at a time: the same bytes, hashes and keeping as pages written whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export.writer import STAGING_NAME, STATE_DIR, SiteWriter, read_manifest


def pieces(text: str, size: int = 7) -> Iterator[str]:
    for at in range(0, len(text), size):
        yield text[at : at + size]


def test_a_streamed_page_lands_like_a_whole_one_and_unchanged_bytes_are_not_rewritten(tmp_path: Path) -> None:
    page = "<ul>" + "".join(f"<li>entry {n} — ünïcode</li>" for n in range(20_000)) + "</ul>"
    whole, streamed = tmp_path / "whole", tmp_path / "streamed"
    for root, stage in ((whole, "whole"), (streamed, "streamed")):
        writer = SiteWriter(root)
        if stage == "whole":
            writer.stage("index.html", page, inputs="i1")
        else:
            writer.stage_chunks("index.html", pieces(page), inputs="i1")
        assert writer.commit().written == ("index.html",)
    assert (streamed / "index.html").read_bytes() == (whole / "index.html").read_bytes() == page.encode()
    assert read_manifest(streamed).files == read_manifest(whole).files

    again = SiteWriter(streamed)
    again.stage_chunks("index.html", pieces(page))
    result = again.commit()
    assert result.written == () and result.unchanged == ("index.html",)
    assert not (streamed / STATE_DIR / STAGING_NAME).exists()


def test_a_render_failing_halfway_leaves_the_old_page(tmp_path: Path) -> None:
    writer = SiteWriter(tmp_path)
    writer.stage("index.html", "old")
    writer.commit()

    def failing() -> Iterator[str]:
        yield "<ul><li>half"
        raise ExportFailed("The theme's index.html failed.")

    writer = SiteWriter(tmp_path)
    with pytest.raises(ExportFailed):
        writer.stage_chunks("index.html", failing())
    writer.abort()
    assert (tmp_path / "index.html").read_text() == "old"
    assert not (tmp_path / STATE_DIR / STAGING_NAME).exists()
