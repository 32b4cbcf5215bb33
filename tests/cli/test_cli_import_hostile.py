"""`fieldnotes import` of hostile files: exit 1, one line naming the file, nothing stored, bounded.

Each run is a real subprocess whose peak memory is read from the kernel (`os.wait4`), under
an address-space cap and a wall-clock limit, so a regression fails here instead of hanging
CI or exhausting the machine.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

TIME_LIMIT_S = 30
PEAK_RSS_LIMIT_MB = 150
# Far above what an import needs (~70 MB resident), far below what a runaway would take.
ADDRESS_SPACE_CAP = 2 * 1024**3

_BOMB_ANCHORS = "\n".join(
    [
        'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(
            f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]"
            for n in range(1, 9)
        ),
    ]
)


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float


# Spawns the command with posix_spawn (no copy of this launcher's pages) under the address-space
# cap and reports the child's own peak. Forking pytest itself would count pytest's memory too:
# the kernel carries the forked pages' high-water mark across exec.
_LAUNCHER = """
import json, os, resource, sys
cap, report, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
pid = os.posix_spawn(command[0], command, os.environ)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as handle:
    json.dump({"code": os.waitstatus_to_exitcode(status), "peak_kb": usage.ru_maxrss}, handle)
"""


def run_bounded(command: list[str], env: dict[str, str], cwd: Path, out: Path) -> Outcome:
    """Runs `command`, killing it after TIME_LIMIT_S; its peak RSS comes from its own rusage."""
    import json
    import signal

    report = out / "rusage.json"
    started = time.monotonic()
    with (out / "stdout").open("wb") as stdout, (out / "stderr").open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(ADDRESS_SPACE_CAP), str(report), *command],
            stdout=stdout, stderr=stderr, env=env, cwd=cwd, start_new_session=True,
        )
        timer = threading.Timer(TIME_LIMIT_S, lambda: os.killpg(process.pid, signal.SIGKILL))
        timer.start()
        try:
            process.wait()
        finally:
            timer.cancel()
    measured = json.loads(report.read_text()) if report.exists() else {"code": -9, "peak_kb": 0}
    return Outcome(
        code=int(measured["code"]),
        stdout=(out / "stdout").read_text(encoding="utf-8", errors="replace"),
        stderr=(out / "stderr").read_text(encoding="utf-8", errors="replace"),
        peak_mb=int(measured["peak_kb"]) / 1024,  # kilobytes on Linux
        seconds=time.monotonic() - started,
    )


def _write(folder: Path, name: str, raw: bytes) -> Path:
    path = folder / name
    path.write_bytes(raw)
    return path


def _alias_bomb(folder: Path, key: str) -> Path:
    return _write(folder, f"bomb-{key}.md", f"---\n{_BOMB_ANCHORS}\n{key}: *l8\n---\nbody\n".encode())


def _deep(folder: Path) -> Path:
    return _write(folder, "deep.md", b"---\ntitle: " + b"[" * 10_000 + b"\n---\nbody\n")


def _zero(folder: Path) -> Path:
    os.symlink("/dev/zero", folder / "zero.md")
    return folder / "zero.md"


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.md")
    return folder / "pipe.md"


def _surrogate(folder: Path) -> Path:
    return _write(folder, "surrogate.md", b'---\ntitle: "x\\ud800y"\n---\nbody\n')


def _bad_name(folder: Path) -> Path:
    path = folder / os.fsdecode(b"caf\xe9.md")
    path.write_bytes(b"---\ntitle: Cafe\n---\nbody\n")
    return path


def _big(folder: Path) -> Path:
    path = folder / "big.md"
    with path.open("wb") as f:
        f.write(b"---\ntitle: Big\n---\n" + b"word " * 1000)
        f.truncate(200 * 1024 * 1024)  # sparse
    return path


def _late_nul(folder: Path) -> Path:
    return _write(folder, "late-nul.md", b"---\ntitle: Late\n---\n" + b"text " * 2000 + b"\x00 more\n")


# (maker, what the one line must name, whether the folder or the file is given)
CASES: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "alias-bomb-title": (lambda f: _alias_bomb(f, "title"), "bomb-title.md", "file"),
    "alias-bomb-tags": (lambda f: _alias_bomb(f, "tags"), "bomb-tags.md", "file"),
    "deep-nesting": (_deep, "deep.md", "file"),
    "dev-zero-link": (_zero, "zero.md", "folder"),
    "fifo": (_fifo, "pipe.md", "folder"),
    "lone-surrogate": (_surrogate, "surrogate.md", "file"),
    "name-not-utf8": (_bad_name, "caf\ufffd.md", "folder"),
    "200-mb": (_big, "big.md", "file"),
    "nul-after-8k": (_late_nul, "late-nul.md", "file"),
}


def _stored(db: Path) -> tuple[int, int]:
    if not db.exists():
        return 0, 0
    con = sqlite3.connect(db)
    try:
        return (
            int(con.execute("SELECT count(*) FROM entries").fetchone()[0]),
            int(con.execute("SELECT count(*) FROM assets").fetchone()[0]),
        )
    finally:
        con.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_ends_in_one_line_naming_it_exit_1_and_nothing_stored(
    case: str, tmp_path: Path, cli_env: dict[str, str], db: Path
) -> None:
    maker, shown, given = CASES[case]
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "good.md").write_text("---\ntitle: Good\n---\nA fine entry.\n", encoding="utf-8")
    target = maker(folder)
    command = [sys.executable, "-m", "fieldnotes_desktop", "--db", str(db), "import",
               str(folder if given == "folder" else target)]

    outcome = run_bounded(command, cli_env, tmp_path, tmp_path)

    assert outcome.code == 1, outcome
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("fieldnotes: ") and shown in lines[0], lines[0]
    assert "Traceback" not in outcome.stderr and "Error:" not in outcome.stderr
    assert _stored(db) == (0, 0)
    assert outcome.seconds < TIME_LIMIT_S
    assert outcome.peak_mb < PEAK_RSS_LIMIT_MB, f"peak memory {outcome.peak_mb:.0f} MB"


def test_a_sound_folder_still_imports_under_the_same_bounds(
    tmp_path: Path, cli_env: dict[str, str], db: Path
) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "good.md").write_text("---\ntitle: Good\ntags: [a, b]\n---\nA fine entry.\n", encoding="utf-8")
    (folder / "deep-body.md").write_text("# Deep\n\n" + "[" * 10_000 + " text\n", encoding="utf-8")
    outcome = run_bounded(
        [sys.executable, "-m", "fieldnotes_desktop", "--db", str(db), "import", str(folder)], cli_env, tmp_path, tmp_path
    )
    assert outcome.code == 0, outcome
    assert "2 entries imported." in outcome.stdout
    assert _stored(db) == (2, 0)
    assert outcome.peak_mb < PEAK_RSS_LIMIT_MB
