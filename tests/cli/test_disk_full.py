"""Every command on a really full disk (a tiny tmpfs in a private mount namespace) names the full disk."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import Run

TMPFS_SIZE = "512k"

# (arguments, whether the command must store something). A command that only reads may
# succeed on a full disk; one that stores cannot, and must say the disk is full.
COMMANDS: list[tuple[tuple[str, ...], bool]] = [
    (("import", "{posts}"), True),
    (("list",), False),
    (("search", "ridge"), False),
    (("site",), False),
    (("site", "--title", "Full"), True),
    (("export", "--out", "{outside}/site"), True),
    (("backup",), True),
    (("backup", "--to", "{outside}/copy.db"), False),
    (("doctor",), False),
    (("doctor", "--repair"), True),
]


def namespace_command() -> list[str] | None:
    """How to get a private mount namespace here (root, or an unprivileged user namespace)."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return None
    if os.geteuid() == 0:
        return ["unshare", "--mount", "--propagation", "private"]
    return ["unshare", "--user", "--map-root-user", "--mount"]


def can_mount_tmpfs(prefix: list[str], folder: Path) -> bool:
    probe = folder / "probe"
    probe.mkdir()
    result = subprocess.run(
        prefix + ["sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(str(probe))}"],
        capture_output=True, timeout=30,
    )
    return result.returncode == 0


def run_on_a_full_disk(
    prefix: list[str], tmp_path: Path, cli_env: dict[str, str], source: Path, with_wal: bool
) -> list[tuple[tuple[str, ...], bool, int, str, str]]:
    mount = tmp_path / "full"
    mount.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    results = tmp_path / "results"
    results.mkdir()
    posts = tmp_path / "posts"
    posts.mkdir(exist_ok=True)
    (posts / "new.md").write_text("---\ntitle: New\n---\nWritten on a full disk.\n", encoding="utf-8")
    db = mount / "full.db"
    q = shlex.quote
    lines = [
        "set -u",
        f"mount -t tmpfs -o size={TMPFS_SIZE} tmpfs {q(str(mount))} || exit 97",
        f"cp {q(str(source))} {q(str(db))}",
    ]
    if with_wal:
        lines.append(f"cp {q(str(source) + '-wal')} {q(str(db) + '-wal')}")
    lines.append(f"dd if=/dev/zero of={q(str(mount / 'filler'))} bs=4k 2>/dev/null")
    lines.append(f"[ \"$(df -k {q(str(mount))} | awk 'NR==2 {{print $4}}')\" = 0 ] || exit 98")
    for i, (args, _stores) in enumerate(COMMANDS):
        filled = [a.format(posts=posts, outside=outside) for a in args]
        command = " ".join(q(part) for part in [sys.executable, "-m", "fieldnotes_desktop", "--db", str(db), *filled])
        out = results / str(i)
        lines.append(f"{command} >{q(str(out))}.out 2>{q(str(out))}.err; echo $? >{q(str(out))}.rc")
    lines.append(f"ls -la {q(str(mount))}")
    script = "\n".join(lines)
    done = subprocess.run(prefix + ["sh", "-c", script], env=cli_env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
    found = []
    for i, (args, stores) in enumerate(COMMANDS):
        out = results / str(i)
        found.append((args, stores, int((out.with_suffix(".rc")).read_text()),
                      out.with_suffix(".out").read_text(), out.with_suffix(".err").read_text()))
    return found


@pytest.fixture
def namespace(tmp_path: Path) -> list[str]:
    prefix = namespace_command()
    if prefix is None:
        pytest.skip("needs Linux with unshare(1) to mount a tiny tmpfs in a private namespace")
    if not can_mount_tmpfs(prefix, tmp_path):
        pytest.skip("cannot mount a tmpfs here: neither root nor unprivileged user namespaces are allowed")
    return prefix


@pytest.fixture
def source(run: Run, tmp_path: Path, db: Path) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "2024-06-01-north-ridge.md").write_text(
        "---\ntitle: The North Ridge\n---\nA ridge of rock.\n", encoding="utf-8"
    )
    assert run("import", str(posts)).returncode == 0
    return db


def assert_full_disk_named(found: list[tuple[tuple[str, ...], bool, int, str, str]], *, reads_succeed: bool) -> None:
    for args, stores, code, out, err in found:
        assert "Traceback" not in err, (args, err)
        assert "disk I/O error" not in err, (args, err)
        if code == 0 and not stores and reads_succeed:
            continue
        assert code == 1, (args, code, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("fieldnotes: "), (args, err)
        assert "is full; free some space" in lines[0], (args, lines[0])


def test_every_command_on_a_full_disk_says_it_is_full(
    namespace: list[str], source: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    found = run_on_a_full_disk(namespace, tmp_path, cli_env, source, with_wal=False)
    assert_full_disk_named(found, reads_succeed=True)
    # What needs no new file on that disk still works: reading, and a backup to another disk.
    assert {args[0] for args, stores, code, *_ in found if code == 0} >= {"list", "search", "site", "doctor"}
    assert (tmp_path / "outside" / "copy.db").is_file()


def test_every_command_after_a_crash_on_a_full_disk_says_it_is_full(
    namespace: list[str], source: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    # The last commit only in a -wal and no -shm: even reading it needs a new -shm on that disk.
    writer = sqlite3.connect(source, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("UPDATE entries SET title = 'Saved last'")
        crashed = tmp_path / "crashed.db"
        shutil.copyfile(source, crashed)
        shutil.copyfile(str(source) + "-wal", str(crashed) + "-wal")
    finally:
        writer.close()
    found = run_on_a_full_disk(namespace, tmp_path, cli_env, crashed, with_wal=True)
    assert_full_disk_named(found, reads_succeed=False)
