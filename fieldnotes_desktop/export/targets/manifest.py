"""The record a target keeps of what this desk published there: each path and the sha256 of its bytes.

A path whose hash is None is one a publish was sending when it stopped: it is ours, and its
bytes are the old file's or the new one's, so the next publish sends it again (or removes it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from fieldnotes_desktop.errors import PublishFailed
from fieldnotes_desktop.export.targets.base import MANIFEST_NAME, Connection, checked_path

FORMAT = 1
# 10,000 entries publish ~40,000 files, ~4 MB of record; anything far larger is not ours.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class RemoteManifest:
    files: dict[str, str | None] = field(default_factory=dict)
    found: bool = False  # False: nothing was ever published there by Field Notes

    def to_bytes(self) -> bytes:
        record = {"format": FORMAT, "generator": "Field Notes Desktop", "files": dict(sorted(self.files.items()))}
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_remote_manifest(connection: Connection) -> RemoteManifest:
    raw = connection.read(MANIFEST_NAME, MAX_MANIFEST_BYTES)
    if raw is None:
        return RemoteManifest()
    where = f"{connection.where}/{MANIFEST_NAME}"
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PublishFailed(
            f"{where} is damaged, so Field Notes cannot tell its own files from others' there; "
            "move it away and publish again with --force (the whole site is sent again)."
        ) from None
    if not isinstance(record, dict) or record.get("format") != FORMAT or not isinstance(record.get("files"), Mapping):
        newer = isinstance(record, dict) and isinstance(record.get("format"), int) and record["format"] > FORMAT
        raise PublishFailed(
            f"{where} was written by a newer Field Notes; update this one to publish there."
            if newer
            else f"{where} is not a publish record Field Notes can read; move it away and publish again."
        )
    files: dict[str, str | None] = {}
    for path, digest in record["files"].items():
        if not isinstance(path, str) or not (digest is None or (isinstance(digest, str) and _SHA256.match(digest))):
            raise PublishFailed(f"{where} holds an entry Field Notes cannot read; move it away and publish again.")
        files[checked_path(path)] = digest
    return RemoteManifest(files, found=True)


def write_remote_manifest(connection: Connection, manifest: RemoteManifest) -> None:
    connection.write(MANIFEST_NAME, manifest.to_bytes())
