"""Files on a real OpenSSH server: upload, read, write and remove, hostile paths, a full disk, a plain rename."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sshd_server import IS_ROOT, SshServer

from fieldnotes_desktop.errors import PublishFailed
from fieldnotes_desktop.export.targets import parse_target
from fieldnotes_desktop.export.targets.sftp import SftpConnection


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "srv" / "site"


@pytest.fixture
def connection(sshd: SshServer, ssh_home: Path, site: Path) -> Iterator[SftpConnection]:
    opened = SftpConnection(parse_target(sshd.url(str(site))))
    try:
        yield opened
    finally:
        opened.close()


def built(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "build" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_upload_read_write_remove_round_trip(connection: SftpConnection, site: Path, tmp_path: Path) -> None:
    big = os.urandom(3 * 2**20 + 17)  # many pipelined writes, and a last short one
    connection.upload("index.html", built(tmp_path, "index.html", b"<h1>home</h1>"))
    connection.upload("tag/sqlite/index.html", built(tmp_path, "tag.html", b"<h1>tag</h1>"))
    connection.upload("media/2024/photo.jpg", built(tmp_path, "photo.jpg", big))
    connection.upload("empty.txt", built(tmp_path, "empty.txt", b""))

    assert (site / "tag" / "sqlite" / "index.html").read_bytes() == b"<h1>tag</h1>"
    assert hashlib.sha256((site / "media" / "2024" / "photo.jpg").read_bytes()).digest() == hashlib.sha256(big).digest()
    assert (site / "empty.txt").read_bytes() == b""
    assert stat.S_IMODE((site / "index.html").stat().st_mode) == 0o644
    assert not list(site.rglob("*.fn-part"))
    assert connection.bytes_sent == len(b"<h1>home</h1>") + len(b"<h1>tag</h1>") + len(big)

    connection.upload("index.html", built(tmp_path, "index2.html", b"<h1>new home</h1>"))  # replaced in place
    assert connection.read("index.html", 1000) == b"<h1>new home</h1>"
    assert connection.read("nothing/here.json", 1000) is None

    connection.write(".fieldnotes-publish.json", b'{"files": {}}')
    assert (site / ".fieldnotes-publish.json").read_bytes() == b'{"files": {}}'
    connection.write(".fieldnotes-publish.json", b'{"files": {"a": 1}}')
    assert connection.read(".fieldnotes-publish.json", 100) == b'{"files": {"a": 1}}'

    connection.remove("media/2024/photo.jpg")
    assert not (site / "media").exists()  # both folders it emptied go, deepest first
    connection.remove("media/2024/photo.jpg")  # already gone: fine
    connection.upload("media/2025/again.jpg", built(tmp_path, "again.jpg", b"x"))  # the folder cache forgot them
    assert (site / "media" / "2025" / "again.jpg").read_bytes() == b"x"
    assert site.is_dir()


def test_removal_keeps_a_foreign_file_and_the_folder_it_is_in(
    connection: SftpConnection, site: Path, tmp_path: Path
) -> None:
    connection.upload("tag/x/index.html", built(tmp_path, "a.html", b"a"))
    (site / "tag" / "notes.txt").write_text("the writer's own")
    (site / "tag" / "x" / ".index.html.fn-part").write_bytes(b"half")  # left by a killed publish

    connection.remove("tag/x/index.html")

    assert not (site / "tag" / "x").exists()
    assert (site / "tag" / "notes.txt").read_text() == "the writer's own"
    connection.remove("index.html")  # at the root: the root itself stays, even empty of ours
    assert site.is_dir()


def test_the_last_file_of_the_site_leaves_the_root(connection: SftpConnection, site: Path, tmp_path: Path) -> None:
    connection.upload("a/b.html", built(tmp_path, "b.html", b"b"))
    connection.remove("a/b.html")
    assert site.is_dir() and list(site.iterdir()) == []


@pytest.mark.parametrize("hostile", ["../outside.html", "/etc/passwd", "a/../../x", "a//b", "a\\b", "./a", ""])
def test_a_hostile_path_is_refused(connection: SftpConnection, site: Path, tmp_path: Path, hostile: str) -> None:
    source = built(tmp_path, "x.html", b"x")
    for attempt in (
        lambda: connection.upload(hostile, source),
        lambda: connection.read(hostile, 100),
        lambda: connection.write(hostile, b"x"),
        lambda: connection.remove(hostile),
    ):
        with pytest.raises(PublishFailed, match="is not a path inside the site; nothing was changed"):
            attempt()
    assert not (site.parent / "outside.html").exists()


def test_a_record_larger_than_the_limit_is_refused(connection: SftpConnection, site: Path) -> None:
    (site / ".fieldnotes-publish.json").write_bytes(b"x" * 200)
    with pytest.raises(PublishFailed, match=r"\.fieldnotes-publish\.json is larger than a publish record can be \(100 bytes\)"):
        connection.read(".fieldnotes-publish.json", 100)
    assert connection.read(".fieldnotes-publish.json", 200) == b"x" * 200


def test_a_file_where_a_folder_belongs(connection: SftpConnection, site: Path, tmp_path: Path) -> None:
    (site / "tag").write_text("in the way")
    with pytest.raises(PublishFailed, match=r"tag is a file where the site needs a folder; move it away"):
        connection.upload("tag/x.html", built(tmp_path, "x.html", b"x"))


@pytest.mark.skipif(not IS_ROOT or not Path("/dev/full").exists(), reason="needs /dev/full writable (root)")
@pytest.mark.parametrize("size", [100_000, 5 * 2**20])  # under and over paramiko's 100 writes in flight
def test_a_full_disk_names_the_file_and_leaves_no_part(
    connection: SftpConnection, site: Path, tmp_path: Path, size: int
) -> None:
    # The part file is a link to /dev/full on the server: the server's write fails with ENOSPC,
    # which SFTP reports as a bare "Failure", as it does for a real full disk or quota.
    device_mode = os.stat("/dev/full").st_mode
    (site / "page").mkdir()
    (site / "page" / ".index.html.fn-part").symlink_to("/dev/full")
    with pytest.raises(PublishFailed) as refused:
        connection.upload("page/index.html", built(tmp_path, "p.html", os.urandom(size)))
    message = str(refused.value)
    assert f"could not write {connection._who}:{site}/page/index.html" in message
    assert message.endswith("; most often its disk or your quota is full); free some space there and publish again.")
    assert not (site / "page" / ".index.html.fn-part").exists()
    assert not (site / "page" / "index.html").exists()
    assert os.stat("/dev/full").st_mode == device_mode  # the failed part was never chmod-ed


def test_a_server_without_posix_rename_gets_remove_and_rename(
    connection: SftpConnection, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def unsupported(old: str, new: str) -> None:
        calls.append(new)
        raise OSError("Operation unsupported")  # what paramiko raises for SSH_FX_OP_UNSUPPORTED

    monkeypatch.setattr(connection._sftp, "posix_rename", unsupported)
    connection.upload("a.html", built(tmp_path, "a1.html", b"one"))
    connection.upload("a.html", built(tmp_path, "a2.html", b"two"))
    connection.write("b.json", b"{}")
    assert (site / "a.html").read_bytes() == b"two"
    assert (site / "b.json").read_bytes() == b"{}"
    assert len(calls) == 1  # asked once, then no more
    assert not list(site.rglob("*.fn-part"))


def test_many_small_files_over_one_connection(connection: SftpConnection, site: Path, tmp_path: Path) -> None:
    sources = [built(tmp_path, f"p{i}.html", f"<p>{i}</p>".encode()) for i in range(300)]
    for i, source in enumerate(sources):
        connection.upload(f"entries/{i % 10}/p{i}/index.html", source)
    assert len(list((site / "entries").rglob("index.html"))) == 300


def test_a_stale_part_with_another_mode_still_gives_0644(connection: SftpConnection, site: Path, tmp_path: Path) -> None:
    (site / ".a.html.fn-part").write_bytes(b"old half")
    (site / ".a.html.fn-part").chmod(0o600)  # a truncating open keeps a file's mode
    connection.upload("a.html", built(tmp_path, "a.html", b"a"))
    assert stat.S_IMODE((site / "a.html").stat().st_mode) == 0o644


def test_a_dropped_connection_is_one_sentence(connection: SftpConnection, site: Path, tmp_path: Path) -> None:
    connection._transport.close()
    with pytest.raises(PublishFailed) as lost:
        connection.upload("a.html", built(tmp_path, "a.html", b"a"))
    assert str(lost.value).startswith(f"The connection to {connection._who} was lost at {site}/a.html (")
    assert str(lost.value).endswith("); publish again to finish.")
