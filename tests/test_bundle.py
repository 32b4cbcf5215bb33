"""Smoke test of the standalone bundle: build it, then run it with no Python around it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fieldnotes_desktop

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "resources" / "fieldnotes.spec"
SAMPLES = ROOT / "fieldnotes_desktop" / "data" / "samples"


def _wanted() -> bool:
    choice = os.environ.get("FIELDNOTES_BUNDLE_TEST")
    if choice is not None:
        return choice == "1"
    return bool(os.environ.get("CI"))


pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(
        not _wanted(), reason="builds the PyInstaller bundle: set FIELDNOTES_BUNDLE_TEST=1 (on in CI)"
    ),
]


@pytest.fixture(scope="module")
def figure(pytestconfig: pytest.Config):  # type: ignore[no-untyped-def]
    """Prints a measured figure in the test run's output, past pytest's capture."""
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")

    def write(line: str) -> None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\n[bundle] {line}")

    return write


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, figure) -> Path:  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(SPEC)],
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=1200,
    )
    executable = work / "dist" / "fieldnotes" / "fieldnotes"
    assert executable.is_file()
    size = sum(f.lstat().st_size for f in executable.parent.rglob("*") if not f.is_symlink() and f.is_file())
    figure(f"bundle built in {time.monotonic() - started:.0f} s, {size / 2**20:.0f} MiB")
    return executable


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    """A fresh HOME and nothing of the project's virtual environment on the path."""
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **extra}


def _run(bundle: Path, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle), *args], cwd=home, env=_clean_env(home, **env),
        capture_output=True, text=True, timeout=180,
    )


def test_bundle_prints_the_package_version(bundle: Path, tmp_path: Path) -> None:
    result = _run(bundle, tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"fieldnotes {fieldnotes_desktop.__version__}"


def test_bundle_imports_and_exports_headless(bundle: Path, tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    imported = _run(bundle, tmp_path, "--db", str(db), "import", str(SAMPLES / "reading-the-wal-by-hand.md"))
    assert imported.returncode == 0, imported.stderr
    assert "1 entry imported" in imported.stdout

    listed = _run(bundle, tmp_path, "--db", str(db), "list", "--json")
    assert '"slug": "reading-the-wal-by-hand"' in listed.stdout

    out = tmp_path / "site"
    exported = _run(bundle, tmp_path, "--db", str(db), "export", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    page = (out / "reading-the-wal-by-hand" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "Write-Ahead Log" in page
    assert 'class="highlight"' in page  # Pygments lexers travelled with the bundle
    assert (out / "assets" / "site.css").is_file()  # theme package data too
    assert (out / "feed.xml").is_file()


def test_bundle_opens_the_window_and_renders_the_preview(bundle: Path, tmp_path: Path, figure) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "notes.db"
    started = time.monotonic()
    result = _run(bundle, tmp_path, "--db", str(db), QT_QPA_PLATFORM="offscreen", FIELDNOTES_SMOKE_TEST="1")
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-2000:]
    assert "window shown, preview rendered" in result.stdout
    figure(f"GUI started, rendered the welcome entry and quit in {elapsed:.1f} s")
    # The welcome entry was written by the bundled migrations and saved on quit.
    listed = _run(bundle, tmp_path, "--db", str(db), "list")
    assert "welcome" in listed.stdout


SPELL_PROBE = {"FIELDNOTES_SPELL_PROBE": "crampons glacier glaicer crevasse wrold"}


def test_bundle_checks_spelling_with_the_dictionary_it_carries(bundle: Path, tmp_path: Path) -> None:
    carried = bundle.parent / "_internal" / "enchant" / "hunspell"
    assert (carried / "en_US.aff").is_file() and (carried / "en_US.dic").is_file()
    result = _run(bundle, tmp_path, **SPELL_PROBE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"dictionary": "en_US", "misspelled": ["glaicer", "wrold"]}


def test_bundle_checks_spelling_where_the_system_has_no_dictionary(bundle: Path, tmp_path: Path) -> None:
    """The system's Hunspell folder hidden behind an empty one (a private mount namespace, as root)."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("hiding /usr/share/hunspell needs unshare, as root")
    empty = tmp_path / "no-dictionaries"
    empty.mkdir()
    hidden = f"mount --bind {empty} /usr/share/hunspell && exec {bundle}"
    result = subprocess.run(["unshare", "--mount", "sh", "-c", hidden], cwd=tmp_path,
                            env=_clean_env(tmp_path, **SPELL_PROBE), capture_output=True, text=True, timeout=180)
    if result.returncode != 0 and "mount" in result.stderr and "dictionary" not in result.stderr:
        pytest.skip(f"no private mount namespace here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"dictionary": "en_US", "misspelled": ["glaicer", "wrold"]}

