"""An exported entry page renders in headless Chromium (skipped where Chromium is not installed)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_entry_page_screenshot(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    samples.exports.export(ExportOptions(out=out))
    shot = tmp_path / "entry.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}", "--hide-scrollbars", f"--screenshot={shot}",
                "--window-size=1280,2000", (out / "reading-the-wal-by-hand" / "index.html").as_uri(),
            ],
            capture_output=True, timeout=120, check=False,
        )
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a blank page compresses to far less
