"""The paranoid writer: nothing outside the folder, nothing twice, old-or-new files, others untouched."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export.writer import DoubleWriteError, SiteWriter, UnsafePathError


@pytest.mark.parametrize("path", ["../escape.html", "a/../../escape.html", "/etc/passwd", "", "a/..", "..\\x.html"])
def test_paths_leaving_the_output_folder_are_refused(tmp_path: Path, path: str) -> None:
    writer = SiteWriter(tmp_path / "site")
    with pytest.raises(UnsafePathError):
        writer.stage(path, "x")
    assert not (tmp_path / "escape.html").exists()


def test_a_symlink_inside_the_folder_cannot_lead_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "link").symlink_to(outside, target_is_directory=True)
    writer = SiteWriter(tmp_path / "site")
    with pytest.raises(UnsafePathError):
        writer.stage("link/page.html", "x")
    assert list(outside.iterdir()) == []


def test_writing_the_same_path_twice_in_one_run_is_refused(tmp_path: Path) -> None:
    writer = SiteWriter(tmp_path)
    writer.stage("a/index.html", "first")
    with pytest.raises(DoubleWriteError):
        writer.stage("a/./index.html", "second")
    writer.commit()
    with pytest.raises(DoubleWriteError):
        writer.write("a/index.html", "again, after the commit")
    assert (tmp_path / "a" / "index.html").read_text() == "first"


def test_nothing_replaces_a_file_before_commit_and_abort_leaves_no_trace(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("old")
    writer = SiteWriter(tmp_path)
    writer.stage("index.html", "new")
    writer.stage("fresh/deep/page.html", "new page")
    assert (tmp_path / "index.html").read_text() == "old"
    writer.abort()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["index.html"]
    assert (tmp_path / "index.html").read_text() == "old"


def test_an_interrupted_replace_leaves_each_file_old_or_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.html", "b.html", "c.html"):
        (tmp_path / name).write_text("old")
    writer = SiteWriter(tmp_path)
    for name in ("a.html", "b.html", "c.html"):
        writer.stage(name, "new " * 1000)
    real_replace = os.replace
    calls = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ExportFailed, match="1 files were already replaced"):
        writer.commit()
    contents = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert sorted(contents) == ["a.html", "b.html", "c.html"]  # no temporary files left behind
    assert contents["a.html"] == "new " * 1000
    assert contents["b.html"] == contents["c.html"] == "old"


def test_files_the_export_did_not_write_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "CNAME").write_text("notes.example.org")
    (tmp_path / "old-entry").mkdir()
    (tmp_path / "old-entry" / "index.html").write_text("kept")
    writer = SiteWriter(tmp_path)
    writer.write("index.html", "new")
    assert (tmp_path / "CNAME").read_text() == "notes.example.org"
    assert (tmp_path / "old-entry" / "index.html").read_text() == "kept"


def test_a_full_disk_is_one_clear_sentence_and_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "index.html").write_text("old")
    writer = SiteWriter(tmp_path)
    writer.stage("first.html", "ok")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportFailed) as caught:
        writer.stage("index.html", "new")
    assert str(caught.value).startswith(f"The disk holding {tmp_path} is full; free some space")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]
    assert (tmp_path / "index.html").read_text() == "old"


def test_an_unwritable_folder_is_refused_with_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportFailed, match="in the way of the export|is a file"):
        SiteWriter(tmp_path / "file")
    if os.geteuid() != 0:  # root writes anywhere, so the permission case only means something for users
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(ExportFailed, match="may not write"):
            SiteWriter(locked).stage("index.html", "x")
