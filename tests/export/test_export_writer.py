"""The paranoid writer: nothing outside the folder, nothing twice, the whole site or none of it, others untouched."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.export import writer as writer_module
from fieldnotes_desktop.export.writer import (
    JOURNAL_NAME,
    STAGING_NAME,
    STATE_DIR,
    DoubleWriteError,
    SiteWriter,
    UnsafePathError,
    read_manifest,
    recover,
)


def site(root: Path) -> dict[str, str]:
    """The folder's files other than the writer's own bookkeeping."""
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] != STATE_DIR
    }


def export(root: Path, files: dict[str, str], whole_site: bool = True) -> writer_module.CommitResult:
    writer = SiteWriter(root)
    for path, text in files.items():
        writer.stage(path, text)
    return writer.commit(whole_site=whole_site)


class Killed(BaseException):
    """Stands in for `kill -9` inside one process: nothing after it runs, no handler cleans up."""


@pytest.mark.parametrize(
    "path", ["../escape.html", "a/../../escape.html", "/etc/passwd", "", "a/..", "..\\x.html", ".fieldnotes/site.json"]
)
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
    with pytest.raises(RuntimeError):
        writer.stage("b/index.html", "a writer is used once")
    assert site(tmp_path) == {"a/index.html": "first"}


def test_nothing_replaces_a_file_before_commit_and_abort_leaves_no_trace(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("old")
    writer = SiteWriter(tmp_path)
    writer.stage("index.html", "new")
    writer.stage("fresh/deep/page.html", "new page")
    assert site(tmp_path) == {"index.html": "old"}
    writer.abort()
    assert site(tmp_path) == {"index.html": "old"}
    assert not (tmp_path / STATE_DIR / STAGING_NAME).exists()


def test_a_kill_before_the_journal_leaves_the_old_site_and_the_next_export_clears_the_staging(tmp_path: Path) -> None:
    export(tmp_path, {"index.html": "old", "a/index.html": "old a"})
    writer = SiteWriter(tmp_path)
    writer.stage("index.html", "new")
    writer.stage("b/index.html", "new b")
    del writer  # killed while staging: no commit, no abort
    assert site(tmp_path) == {"index.html": "old", "a/index.html": "old a"}
    assert any((tmp_path / STATE_DIR / STAGING_NAME).iterdir())
    export(tmp_path, {"index.html": "newer", "a/index.html": "old a"})
    assert site(tmp_path) == {"index.html": "newer", "a/index.html": "old a"}
    assert not (tmp_path / STATE_DIR / STAGING_NAME).exists()


def test_a_kill_half_way_through_the_renames_is_finished_by_recovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export(tmp_path, {"a.html": "old", "b.html": "old", "c.html": "old", "gone/index.html": "old"})
    writer = SiteWriter(tmp_path)
    for name in ("a.html", "b.html", "c.html", "d.html"):
        writer.stage(name, "new " + name)
    real_replace = os.replace
    calls: list[str] = []

    def dying_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).parent.name != STAGING_NAME:  # the journal's own rename goes through
            calls.append(str(dst))
            if len(calls) == 2:
                raise Killed()
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", dying_replace)
    with pytest.raises(Killed):
        writer.commit()
    monkeypatch.setattr(os, "replace", real_replace)
    writer._release()  # a killed process's lock goes with it
    half = site(tmp_path)
    assert half["a.html"] == "new a.html" and half["b.html"] == "old"  # a mix, until recovered
    assert (tmp_path / STATE_DIR / STAGING_NAME / JOURNAL_NAME).is_file()

    assert recover(tmp_path) is True  # what the next export or the next start of the app does
    assert site(tmp_path) == {name: "new " + name for name in ("a.html", "b.html", "c.html", "d.html")}
    assert not (tmp_path / "gone").exists()
    assert not (tmp_path / STATE_DIR / STAGING_NAME).exists()
    assert set(read_manifest(tmp_path).files) == {"a.html", "b.html", "c.html", "d.html"}


def test_a_journal_replayed_twice_changes_nothing_more(tmp_path: Path) -> None:
    root = tmp_path / "site"
    export(root, {"a.html": "one", "b.html": "gone next"})
    writer = SiteWriter(root)
    writer.stage("a.html", "two")
    staging = root / STATE_DIR / STAGING_NAME
    kept = tmp_path / "journal-copy.db"
    real_apply = writer_module._apply

    def apply_and_keep(root: Path, *, durable: bool) -> None:
        shutil.copyfile(staging / JOURNAL_NAME, kept)
        real_apply(root, durable=durable)

    writer_module._apply = apply_and_keep  # type: ignore[assignment]
    try:
        writer.commit()
    finally:
        writer_module._apply = real_apply
    staging.mkdir()
    shutil.copyfile(kept, staging / JOURNAL_NAME)  # as if the kill came just before the journal became the manifest
    assert recover(root) is True
    assert site(root) == {"a.html": "two"}
    assert dict(read_manifest(root).files) == {"a.html": hashlib.sha256(b"two").hexdigest()}


def test_a_torn_journal_is_not_applied(tmp_path: Path) -> None:
    export(tmp_path, {"a.html": "one"})
    staging = tmp_path / STATE_DIR / STAGING_NAME
    staging.mkdir()
    (staging / JOURNAL_NAME).write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)  # cut short, not ours
    recover(tmp_path)
    assert site(tmp_path) == {"a.html": "one"}
    assert set(read_manifest(tmp_path).files) == {"a.html"}
    assert not staging.exists()


def test_a_folder_exported_by_the_json_format_keeps_its_records(tmp_path: Path) -> None:
    # What an earlier version left: site.json, and a journal.json of an export cut short.
    (tmp_path / "a.html").write_text("one")
    (tmp_path / "old.html").write_text("old")
    state = tmp_path / STATE_DIR
    (state / STAGING_NAME).mkdir(parents=True)
    (state / STAGING_NAME / "000000").write_text("two")
    sha = {text: hashlib.sha256(text.encode()).hexdigest() for text in ("one", "two", "old")}
    legacy = {
        "format": 1, "files": {"a.html": sha["one"], "old.html": sha["old"]}, "entries": {"u1": "a.html"},
        "redirects": {}, "inputs": {"a.html": "in-1"}, "excerpts": {"a.html": "An excerpt."},
    }
    (state / "site.json").write_text(json.dumps(legacy))
    journal = {
        "format": 1, "renames": [["000000", "a.html"]], "removals": ["old.html"],
        "manifest": {**legacy, "files": {"a.html": sha["two"]}, "inputs": {"a.html": "in-2"}},
    }
    (state / STAGING_NAME / "journal.json").write_text(json.dumps(journal))
    assert recover(tmp_path) is True
    assert site(tmp_path) == {"a.html": "two"}
    assert not (state / "site.json").exists() and (state / "manifest.db").is_file()
    manifest = read_manifest(tmp_path)
    assert dict(manifest.files) == {"a.html": sha["two"]}
    assert manifest.page("a.html") == (sha["two"], "in-2", "An excerpt.")
    assert dict(manifest.entries) == {"u1": "a.html"}
    # and a later export keeps the page by those records
    writer = SiteWriter(tmp_path)
    assert writer.keep("a.html", "in-2") == "An excerpt."
    assert writer.commit().written == ()


def test_a_manifest_is_never_read_whole(tmp_path: Path) -> None:
    pages = {f"p{n}/index.html": f"page {n}" for n in range(300)}
    export(tmp_path, pages)
    manifest = read_manifest(tmp_path)
    assert manifest.page("p7/index.html") == (hashlib.sha256(b"page 7").hexdigest(), None, "")
    assert manifest.page("nowhere.html") is None
    assert len(manifest.files) == 300 and "p299/index.html" in manifest.files
    assert manifest.files.get("nowhere.html") is None and not dict(manifest.inputs)


def test_files_the_export_did_not_write_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "CNAME").write_text("notes.example.org")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main")
    (tmp_path / "old-entry").mkdir()
    (tmp_path / "old-entry" / "index.html").write_text("hand-made, never exported")
    export(tmp_path, {"index.html": "new", "entry/index.html": "page"})
    export(tmp_path, {"index.html": "newer"})  # entry/ left the site: it goes, the rest stays
    assert site(tmp_path) == {
        "CNAME": "notes.example.org",
        ".git/HEAD": "ref: refs/heads/main",
        "old-entry/index.html": "hand-made, never exported",
        "index.html": "newer",
    }
    assert not (tmp_path / "entry").exists()  # its folder went with its only file


def test_a_folder_holding_someone_elses_file_stays_when_our_page_goes(tmp_path: Path) -> None:
    export(tmp_path, {"entry/index.html": "page"})
    (tmp_path / "entry" / "notes.txt").write_text("mine")
    export(tmp_path, {"index.html": "home"})
    assert site(tmp_path) == {"entry/notes.txt": "mine", "index.html": "home"}


def test_a_partial_export_removes_nothing_and_keeps_the_manifest_whole(tmp_path: Path) -> None:
    export(tmp_path, {"index.html": "home", "a/index.html": "a", "b/index.html": "b"})
    export(tmp_path, {"a/index.html": "a again"}, whole_site=False)
    assert site(tmp_path) == {"index.html": "home", "a/index.html": "a again", "b/index.html": "b"}
    assert set(read_manifest(tmp_path).files) == {"index.html", "a/index.html", "b/index.html"}


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    export(tmp_path, {"index.html": "home", "a/index.html": "a"})
    before = {name: (tmp_path / name).stat().st_ino for name in ("index.html", "a/index.html")}
    result = export(tmp_path, {"index.html": "home, changed", "a/index.html": "a"})
    assert result.written == ("index.html",) and result.unchanged == ("a/index.html",)
    assert (tmp_path / "a/index.html").stat().st_ino == before["a/index.html"]
    assert (tmp_path / "index.html").stat().st_ino != before["index.html"]


def test_a_page_edited_by_hand_is_put_right_again(tmp_path: Path) -> None:
    export(tmp_path, {"index.html": "home"})
    (tmp_path / "index.html").write_text("hack")  # same size, other bytes
    result = export(tmp_path, {"index.html": "home"})
    assert result.written == ("index.html",)
    assert site(tmp_path) == {"index.html": "home"}


def test_temporary_files_of_the_old_writer_are_removed(tmp_path: Path) -> None:
    (tmp_path / "entry").mkdir()
    left = [tmp_path / ".index.html.ab12cd_9.fn-tmp", tmp_path / "entry" / ".index.html.zz99yy00.fn-tmp"]
    for path in left:
        path.write_text("half")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / ".x.abcdefgh.fn-tmp").write_text("not ours to judge")
    export(tmp_path, {"index.html": "home"})
    assert not any(path.exists() for path in left)
    assert (tmp_path / ".git" / ".x.abcdefgh.fn-tmp").exists()


def test_two_exports_into_one_folder_at_once_are_refused(tmp_path: Path) -> None:
    first = SiteWriter(tmp_path)
    first.stage("index.html", "one")
    with pytest.raises(ExportFailed, match="Another export is writing to"):
        SiteWriter(tmp_path)
    first.commit()
    export(tmp_path, {"index.html": "two"})  # the lock went with the first commit
    assert site(tmp_path) == {"index.html": "two"}


def test_a_full_disk_is_one_clear_sentence_and_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export(tmp_path, {"index.html": "old"})
    writer = SiteWriter(tmp_path)
    writer.stage("first.html", "ok")

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer_module, "sync_filesystem", full)
    with pytest.raises(ExportFailed) as caught:
        writer.stage("index.html", "new")
        writer.commit()
    assert str(caught.value).startswith(f"The disk holding {tmp_path} is full; free some space")
    assert str(caught.value).endswith("No file was changed.")
    assert site(tmp_path) == {"index.html": "old"}
    assert not (tmp_path / STATE_DIR / STAGING_NAME).exists()


def test_an_unwritable_folder_is_refused_with_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportFailed, match="in the way of the export|is a file"):
        SiteWriter(tmp_path / "file")
    if os.geteuid() != 0:  # root writes anywhere, so the permission case only means something for users
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(ExportFailed, match="may not write"):
            SiteWriter(locked)


def test_a_folder_where_a_page_goes_is_refused_not_deleted(tmp_path: Path) -> None:
    (tmp_path / "a" / "index.html").mkdir(parents=True)
    (tmp_path / "a" / "index.html" / "keep.txt").write_text("someone's")
    writer = SiteWriter(tmp_path)
    with pytest.raises(ExportFailed, match="is a folder where the export writes a file"):
        writer.stage("a/index.html", "page")
    writer.abort()
    assert (tmp_path / "a" / "index.html" / "keep.txt").read_text() == "someone's"
