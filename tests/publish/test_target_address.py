"""The one line a writer types for a target: what it names, and a sentence for what it cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes_desktop.errors import PublishFailed
from fieldnotes_desktop.export.targets.address import Kind, parse_target


@pytest.mark.parametrize(
    "text, kind, path",
    [
        ("/srv/www", Kind.FOLDER, "/srv/www"),
        ("file:///srv/my%20site", Kind.FOLDER, "/srv/my site"),
        ("~/www", Kind.FOLDER, str(Path("~/www").expanduser())),
        ("sftp://me@example.org/var/www", Kind.SFTP, "/var/www"),
        ("sftp://example.org/~/public_html", Kind.SFTP, "public_html"),
        ("git+file:///srv/site.git#main", Kind.GIT, "file:///srv/site.git"),
        ("git+ssh://git@codeberg.org/me/pages.git", Kind.GIT, "ssh://git@codeberg.org/me/pages.git"),
    ],
)
def test_targets_are_read(text: str, kind: Kind, path: str) -> None:
    address = parse_target(text)
    assert (address.kind, address.path, address.text) == (kind, path, text)


def test_sftp_parts_and_git_branch() -> None:
    address = parse_target("sftp://ines@notes.example.org:2222/srv/notes")
    assert (address.user, address.host, address.port) == ("ines", "notes.example.org", 2222)
    assert address.secret_key == "sftp://ines@notes.example.org:2222"
    assert parse_target("git+file:///r.git#main").branch == "main"
    assert parse_target("git+file:///r.git").branch == "gh-pages"


@pytest.mark.parametrize(
    "text, says",
    [
        ("", "No publish target is set"),
        ("ftp://example.org/www", "not a target Field Notes can publish to"),
        ("sftp://me:secret@example.org/www", "keeps it in the system keyring"),
        ("sftp://example.org:99999/www", "port"),
        ("sftp:///www", "names no server"),
        ("file://nas/share", "names another computer"),
        ("git+file:///r.git#bad..name", "not a branch name"),
        ("git+svn://example.org/r", "git targets are"),
        ("git+https://ghp_secret@github.com/me/site.git#main", "token out of the address"),
        ("ftp://me:secret@example.org/www", "not a target"),
    ],
)
def test_what_cannot_be_a_target_is_said_in_one_sentence(text: str, says: str) -> None:
    with pytest.raises(PublishFailed, match=says) as raised:
        parse_target(text)
    assert "secret" not in str(raised.value)
