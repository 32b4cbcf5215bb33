"""Where a site is published, read from the one line a writer types: a folder, sftp://… or git+…."""

from __future__ import annotations

import enum
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from fieldnotes_desktop.errors import PublishFailed

DEFAULT_BRANCH = "gh-pages"  # what GitHub and Codeberg Pages serve when no branch is named
SFTP_PORT = 22


class Kind(enum.Enum):
    FOLDER = "folder"
    SFTP = "sftp"
    GIT = "git"


@dataclass(frozen=True)
class TargetAddress:
    """A parsed target. `text` is what the writer typed; it never holds a password."""

    kind: Kind
    text: str
    path: str  # the folder, the folder on the server, or the repository's address for git
    user: str = ""
    host: str = ""
    port: int = SFTP_PORT
    branch: str = ""

    @property
    def secret_key(self) -> str:
        """The name the SFTP password is kept under in the system keyring."""
        return f"sftp://{self.user}@{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.text


def parse_target(text: str) -> TargetAddress:
    """`/srv/site`, `file:///srv/site`, `sftp://me@host:2222/var/www`, `git+file:///r.git#main`."""
    text = text.strip()
    if not text:
        raise PublishFailed(
            "No publish target is set; give one (a folder, sftp://user@host/path or git+…#branch) "
            "or save it with `fieldnotes site --publish-to TARGET`."
        )
    scheme, sep, _rest = text.partition("://")
    if not sep or (len(scheme) == 1 and scheme.isalpha()):  # a path, or a Windows drive letter
        return TargetAddress(Kind.FOLDER, text, str(Path(text).expanduser()))
    scheme = scheme.lower()
    if scheme == "file":
        return _folder_url(text)
    if scheme == "sftp":
        return _sftp(text)
    if scheme.startswith("git+"):
        return _git(text, scheme)
    raise PublishFailed(
        f"“{_shown(text)}” is not a target Field Notes can publish to; use a folder, "
        "sftp://user@host/path, git+file:///…/repo.git#branch or git+ssh://…#branch."
    )


def _folder_url(text: str) -> TargetAddress:
    url = urllib.parse.urlsplit(text)
    if url.netloc not in ("", "localhost"):
        raise PublishFailed(f"“{text}” names another computer; a file:// target is a folder on this one.")
    return TargetAddress(Kind.FOLDER, text, urllib.parse.unquote(url.path))


def _sftp(text: str) -> TargetAddress:
    url = urllib.parse.urlsplit(text)
    if url.password is not None:
        raise PublishFailed(
            "Take the password out of the address: Field Notes asks for it once and keeps it in the system keyring."
        )
    try:
        port = url.port or SFTP_PORT
    except ValueError:
        raise PublishFailed(f"The port in “{text}” is not a number between 1 and 65535.") from None
    if not url.hostname:
        raise PublishFailed(f"“{text}” names no server; write it as sftp://user@host/path.")
    path = urllib.parse.unquote(url.path) or "."
    if path.startswith("/~/"):  # sftp://host/~/site: a folder in the account's home
        path = path[3:] or "."
    return TargetAddress(
        Kind.SFTP, text, path, user=urllib.parse.unquote(url.username or ""), host=url.hostname, port=port
    )


def _git(text: str, scheme: str) -> TargetAddress:
    transport = scheme.removeprefix("git+")
    if transport not in ("file", "ssh", "https", "http"):
        raise PublishFailed(f"“{_shown(text)}”: git targets are git+file://, git+ssh:// or git+https:// addresses.")
    repository, _hash, branch = text.removeprefix("git+").partition("#")
    url = urllib.parse.urlsplit(repository)
    # over https a user name is as often a token: it would be saved and shown in every message
    if url.password is not None or (transport in ("https", "http") and url.username is not None):
        raise PublishFailed("Take the password or token out of the address: git asks its own credential helper for it.")
    branch = branch or DEFAULT_BRANCH
    if not _valid_branch(branch):
        raise PublishFailed(f"“{branch}” is not a branch name git accepts; name the branch after the #.")
    return TargetAddress(Kind.GIT, text, repository, branch=branch)


def _valid_branch(name: str) -> bool:
    """The gist of `git check-ref-format --branch`, without starting git to ask."""
    bad = (" ", "~", "^", ":", "?", "*", "[", "\\", "..", "@{", "//")
    return (
        not any(b in name for b in bad)
        and not name.startswith(("-", "/", "."))
        and not name.endswith((".", "/", ".lock"))
        and all(ch.isprintable() for ch in name)
    )


def _shown(text: str) -> str:
    """The address as it may be printed: whatever stands before an @ in it (a password, a
    token) is left out."""
    scheme, sep, rest = text.partition("://")
    if sep and "@" in rest.split("/", 1)[0]:
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return text
