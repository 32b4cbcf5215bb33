"""Publish targets: where a built site is sent, each behind the same small `Connection`."""

from __future__ import annotations

from fieldnotes_desktop.export.targets.address import Kind, TargetAddress, parse_target
from fieldnotes_desktop.export.targets.base import MANIFEST_NAME, Connection

__all__ = ["MANIFEST_NAME", "Connection", "Kind", "TargetAddress", "open_connection", "parse_target"]


def open_connection(
    address: TargetAddress, *, trust_host: bool = False, password: str | None = None, work_dir: str = ""
) -> Connection:
    """Connects to the target. paramiko and git are loaded only for the targets that need them.

    `password`: for SFTP, one the writer just typed (kept in the keyring once it works);
    `work_dir`: for git, the folder this desk keeps its clone of the repository in.
    """
    if address.kind is Kind.SFTP:
        from fieldnotes_desktop.export.targets.sftp import SftpConnection

        return SftpConnection(address, trust_host=trust_host, password=password)
    if address.kind is Kind.GIT:
        from pathlib import Path

        from fieldnotes_desktop.export.targets.git import GitConnection

        return GitConnection(address, Path(work_dir))
    from pathlib import Path

    from fieldnotes_desktop.export.targets.folder import FolderConnection

    return FolderConnection(Path(address.path))
