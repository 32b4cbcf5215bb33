"""Shared by the publish tests: the sample desk, what a target folder holds, a connection that counts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from fieldnotes_desktop.export.targets.base import MANIFEST_NAME, PART_SUFFIX, Connection
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.site_publish import PublishOptions, PublishReport
from tests.export.export_helpers import open_sample_services


def sample_desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Services:
    return open_sample_services(tmp_path / "desk" / "fieldnotes.db", monkeypatch)


def publish(services: Services, target: str, **options: object) -> PublishReport:
    return services.publishing.publish(PublishOptions(target=target, **{"force": True, **options}))  # type: ignore[arg-type]


def site_files(root: Path) -> dict[str, str]:
    """Every file under `root` but the publish record and other tools' folders, by sha256."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith((".git/", ".fieldnotes/")) and relative != MANIFEST_NAME:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def built_files(services: Services) -> dict[str, str]:
    return site_files(services.publishing.build_dir)


def part_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(f"*{PART_SUFFIX}"))


def edit_one_word(services: Services, slug: str) -> None:
    entry = services.entries.get_by_slug(slug)
    services.entries.update(entry.id, EntryFields(body=entry.body.replace(" the ", " a ", 1)))


class Recording:
    """A connection passed through, noting each call in order (and failing after `fail_after` uploads)."""

    def __init__(self, inner: Connection, fail_after: int | None = None) -> None:
        self.inner = inner
        self.where = inner.where
        self.notes = inner.notes
        self.calls: list[tuple[str, str]] = []
        self.fail_after = fail_after

    def read(self, path: str, limit: int) -> bytes | None:
        return self.inner.read(path, limit)

    def write(self, path: str, data: bytes) -> None:
        self.calls.append(("write", path))
        self.inner.write(path, data)

    def upload(self, path: str, source: Path) -> None:
        from fieldnotes_desktop.errors import PublishFailed

        if self.fail_after is not None and self.uploads() >= self.fail_after:
            raise PublishFailed("The connection dropped (a test).")
        self.calls.append(("upload", path))
        self.inner.upload(path, source)

    def listdir(self, folder: str) -> set[str] | None:
        return self.inner.listdir(folder)

    def remove(self, path: str) -> None:
        self.calls.append(("remove", path))
        self.inner.remove(path)

    def finish(self, message: str) -> None:
        self.calls.append(("finish", message))
        self.inner.finish(message)

    def close(self) -> None:
        self.inner.close()

    def uploads(self) -> int:
        return sum(1 for kind, _ in self.calls if kind == "upload")

    def uploaded(self) -> list[str]:
        return [path for kind, path in self.calls if kind == "upload"]


def recorded(monkeypatch: pytest.MonkeyPatch, fail_after: int | None = None) -> list[Recording]:
    """Every connection the publish service opens from now on, wrapped in a `Recording`."""
    import fieldnotes_desktop.services.site_publish as site_publish

    opened: list[Recording] = []
    real = site_publish.open_connection

    def wrapped(*args: object, **kwargs: object) -> Connection:
        recording = Recording(real(*args, **kwargs), fail_after)  # type: ignore[arg-type]
        opened.append(recording)
        return recording

    monkeypatch.setattr(site_publish, "open_connection", wrapped)
    return opened
