"""What every publish target offers the sync: read and write small files, upload, remove, finish."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Protocol

from fieldnotes_desktop.errors import PublishFailed

# The target's record of what this desk published there (path → sha256), at the site's root.
MANIFEST_NAME = ".fieldnotes-publish.json"
# An upload lands under this name beside its file, then is renamed over it: a reader gets the
# old file or the new one, never half. A kill leaves the part behind; the next publish removes it.
PART_SUFFIX = ".fn-part"


class Connection(Protocol):
    """An open target. Paths are the site's own, relative and POSIX (`tag/sqlite/index.html`)."""

    where: str  # for sentences: "/srv/site", "me@example.org:/var/www", "repo.git (gh-pages)"
    notes: list[str]  # sentences for the writer that did not stop the publish ("the password could not be kept")

    def read(self, path: str, limit: int) -> bytes | None:
        """The file's bytes, or None when there is none; PublishFailed beyond `limit` bytes."""
        ...

    def write(self, path: str, data: bytes) -> None:
        """Replaces (or creates) a small file in one step."""
        ...

    def upload(self, path: str, source: Path) -> None:
        """Copies a built file to `path` in one step, making its folders as needed."""
        ...

    def listdir(self, folder: str) -> set[str] | None:
        """The names in a folder of the site (`""`: its root), or None when there is no such folder."""
        ...

    def remove(self, path: str) -> None:
        """Removes a file published before (missing is fine), its part file, and the folders
        it leaves empty, up to but not including the site's root."""
        ...

    def finish(self, message: str) -> None:
        """Makes the publish visible where that is a separate step (git: commit and push)."""
        ...

    def close(self) -> None: ...


def part_name(path: str) -> str:
    """`tag/sqlite/index.html` → `tag/sqlite/.index.html.fn-part`."""
    p = PurePosixPath(path)
    return str(p.with_name(f".{p.name}{PART_SUFFIX}"))


def checked_path(path: str) -> str:
    """A site path that stays inside the site's root, or PublishFailed: a manifest on a server is
    someone else's file, and a hostile one must not make a publish write or remove outside."""
    p = PurePosixPath(path)
    if (
        not path
        or p.is_absolute()
        or "\\" in path
        or ":" in path  # a drive (C:/…) or an NTFS stream: outside the root on Windows
        or any(part in ("", ".", "..") for part in path.split("/"))
        # the clone's own .git, however a case-insensitive or Windows disk spells it
        or any(part.casefold().rstrip(". ") == ".git" for part in path.split("/"))
        or any(ord(ch) < 32 for ch in path)
    ):
        raise PublishFailed(f"The publish record names “{path[:80]}”, which is not a path inside the site; nothing was changed.")
    return path


def parent_folders(path: str) -> list[str]:
    """`a/b/c.html` → `["a/b", "a"]`: the folders a removal may leave empty, deepest first."""
    parents = [str(p) for p in PurePosixPath(path).parents]
    return [p for p in parents if p != "."]
