"""The sample site published to a real sshd on 127.0.0.1: the whole site once, then only what changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sshd_server import SshServer

from fieldnotes_desktop.errors import PublishFailed
from fieldnotes_desktop.export.targets.base import MANIFEST_NAME
from tests.publish.publish_helpers import built_files, edit_one_word, part_files, publish, recorded, site_files

SLUG = "reading-the-wal-by-hand"


def test_publish_edit_trash_over_sftp(services, sshd: SshServer, ssh_home: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "server" / "www"
    target = sshd.url(str(root))
    (root.parent).mkdir()
    first = publish(services, target)
    assert site_files(root) == built_files(services) and len(first.plan.uploads) > 20
    assert first.target.endswith(str(root))
    (root / "CNAME").write_text("notes.example.org\n")  # the server's own file

    edit_one_word(services, SLUG)
    connections = recorded(monkeypatch)
    second = publish(services, target)
    sent = connections[0].uploaded()
    assert f"{SLUG}/index.html" in sent and 1 <= len(sent) <= 8, sent
    assert second.plan.unchanged == len(built_files(services)) - len(sent)

    services.entries.trash(services.entries.get_by_slug(SLUG).id)
    third = publish(services, target)
    assert f"{SLUG}/index.html" in third.plan.deletions and not (root / SLUG).exists()
    assert (root / "CNAME").read_text() == "notes.example.org\n"
    assert {p: h for p, h in site_files(root).items() if p != "CNAME"} == built_files(services)
    assert json.loads((root / MANIFEST_NAME).read_text())["files"] == built_files(services)


def test_a_dropped_sftp_publish_is_finished_by_the_next(services, sshd: SshServer, ssh_home: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "www"
    with monkeypatch.context() as patched, pytest.raises(PublishFailed):
        recorded(patched, fail_after=11)
        publish(services, sshd.url(str(root)))
    report = publish(services, sshd.url(str(root)))
    assert len(report.plan.uploads) == len(built_files(services)) - 11
    assert site_files(root) == built_files(services) and part_files(root) == []
