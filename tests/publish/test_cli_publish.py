"""`fieldnotes publish` as a writer runs it: a saved target, --dry-run, --json, and a kill -9 half-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.publish.publish_helpers import built_files, edit_one_word, part_files, sample_desk, site_files

SLUG = "reading-the-wal-by-hand"


def fieldnotes(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fieldnotes_desktop", "--db", str(db), *args],
        capture_output=True, text=True, timeout=180, env=dict(os.environ, COLUMNS="120"),
    )


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    services = sample_desk(tmp_path, monkeypatch)
    path = services.db_path
    services.close()
    return path


def test_publish_to_the_saved_target_then_json_says_what_moved(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "www"
    assert fieldnotes(db, "site", "--publish-to", str(target)).returncode == 0
    first = fieldnotes(db, "publish", "--force", "--json")
    assert first.returncode == 0, first.stderr
    outcome = json.loads(first.stdout)
    assert outcome["uploaded"] == len(site_files(target)) and outcome["deleted"] == outcome["unchanged"] == 0
    again = json.loads(fieldnotes(db, "publish", "--force", "--json").stdout)
    assert (again["uploaded"], again["deleted"], again["unchanged"]) == (0, 0, outcome["uploaded"])
    plain = fieldnotes(db, "publish", "--force")
    assert plain.stdout.strip().splitlines()[-1].startswith("Nothing to publish")


def test_a_dry_run_lists_the_plan_and_sends_nothing(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "www"
    result = fieldnotes(db, "publish", str(target), "--dry-run", "--force")
    assert result.returncode == 0, result.stderr
    assert "send    index.html" in result.stdout.splitlines()
    assert result.stdout.strip().splitlines()[-1].startswith("Would send")
    assert not target.exists() or site_files(target) == {}


def test_a_bad_target_is_one_line_and_exit_1(db: Path) -> None:
    result = fieldnotes(db, "publish", "ftp://example.org/www")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "fieldnotes: “ftp://example.org/www” is not a target Field Notes can publish to; use a folder, "
        "sftp://user@host/path, git+file:///…/repo.git#branch or git+ssh://…#branch."
    ]
    assert fieldnotes(db, "site", "--publish-to", "ftp://x/y").returncode == 1


KILLED_PUBLISH = textwrap.dedent(
    """
    import os, signal, sys
    from fieldnotes_desktop.export.targets import base, folder
    real, sent = folder.FolderConnection.upload, []
    def upload(self, path, source):
        if len(sent) == int(sys.argv[3]):  # killed while this file's bytes were on their way
            part = self._file(base.part_name(path))
            part.parent.mkdir(parents=True, exist_ok=True)
            part.write_bytes(source.read_bytes()[:100])
            os.kill(os.getpid(), signal.SIGKILL)
        real(self, path, source)
        sent.append(path)
    folder.FolderConnection.upload = upload
    from fieldnotes_desktop.cli import main
    main(["--db", sys.argv[1], "publish", sys.argv[2], "--force"])
    """
)


@pytest.mark.parametrize("when", ["first", "half-way", "last"])
def test_a_publish_killed_mid_way_is_finished_by_the_next(db: Path, tmp_path: Path, when: str) -> None:
    target = tmp_path / "www"
    fieldnotes(db, "publish", str(target), "--force")
    from fieldnotes_desktop.services import open_services

    services = open_services(db)
    for slug in (SLUG, "why-i-keep-field-notes", "three-nights-below-the-ridge"):
        edit_one_word(services, slug)
    services.entries.trash(services.entries.get_by_slug("shell-scripts-for-any-sh").id)
    services.close()
    planned = json.loads(fieldnotes(db, "publish", str(target), "--force", "--dry-run", "--json").stdout)["uploaded"]
    after = {"first": 0, "half-way": planned // 2, "last": planned - 1}[when]
    script = tmp_path / "killed.py"
    script.write_text(KILLED_PUBLISH)
    killed = subprocess.run([sys.executable, str(script), str(db), str(target), str(after)], capture_output=True, timeout=180)
    assert killed.returncode == -signal.SIGKILL
    finished = fieldnotes(db, "publish", str(target), "--force", "--json")
    assert finished.returncode == 0, finished.stderr
    services = open_services(db)
    try:
        assert site_files(target) == built_files(services)
    finally:
        services.close()
    assert part_files(target) == [] and not (target / "shell-scripts-for-any-sh").exists()
    assert json.loads(fieldnotes(db, "publish", str(target), "--force", "--json").stdout)["uploaded"] == 0


def test_a_full_disk_at_the_target_is_named_in_one_line(db: Path, tmp_path: Path) -> None:
    import shlex
    import shutil

    if not sys.platform.startswith("linux") or shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root on Linux to mount a tiny tmpfs in a private mount namespace (CI runs as root)")
    target = tmp_path / "small"
    target.mkdir()
    q = shlex.quote
    publish_cmd = " ".join(q(p) for p in [sys.executable, "-m", "fieldnotes_desktop", "--db", str(db), "publish", str(target), "--force"])
    script = (
        f"mount -t tmpfs -o size=96k tmpfs {q(str(target))} || exit 97\n"
        f"{publish_cmd}; echo \"rc=$?\"\n"
        f"ls -a {q(str(target))} | grep -c fn-part || true\n"
    )
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          capture_output=True, text=True, timeout=300)
    if "exit 97" in done.stderr or done.returncode == 97:
        pytest.skip("cannot mount a tmpfs here")
    assert "rc=1" in done.stdout, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.strip().splitlines() if line.startswith("fieldnotes:")]
    assert len(lines) == 1 and "is full; free some space and publish again." in lines[0], done.stderr
    assert "Traceback" not in done.stderr
