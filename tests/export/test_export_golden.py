"""The sample site, exported at a frozen moment, equals the committed golden copy file for file."""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions

from export_helpers import site_files

GOLDEN = Path(__file__).parent / "golden"
REFRESH = os.environ.get("FIELDNOTES_REFRESH_GOLDEN") == "1"


def _diff(name: str, expected: bytes, actual: bytes) -> str:
    try:
        lines = difflib.unified_diff(
            expected.decode().splitlines(), actual.decode().splitlines(),
            f"golden/{name}", f"export/{name}", lineterm="", n=2,
        )
        return "\n".join(list(lines)[:60])
    except UnicodeDecodeError:
        return f"{name}: binary content differs"


def test_sample_site_matches_golden_copy(samples: Services, tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = samples.exports.export(ExportOptions(out=out))
    assert report.warnings == ()
    actual = site_files(out)
    if REFRESH:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    expected = site_files(GOLDEN)
    assert sorted(actual) == sorted(expected), "the set of exported files changed"
    changed = [name for name in expected if expected[name] != actual[name]]
    assert not changed, "exported files differ from tests/export/golden "\
        "(refresh on purpose with FIELDNOTES_REFRESH_GOLDEN=1):\n" + _diff(changed[0], expected[changed[0]], actual[changed[0]])


def test_export_is_deterministic(samples: Services, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    samples.exports.export(ExportOptions(out=first))
    samples.exports.export(ExportOptions(out=second))
    assert site_files(first) == site_files(second)
