"""Publishing to a server over SFTP: one SSH connection per publish, each file renamed into place whole."""

from __future__ import annotations

import errno
import logging
import posixpath
import socket
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import paramiko

from fieldnotes_desktop.errors import PublishFailed
from fieldnotes_desktop.export.disk import describe_os_error
from fieldnotes_desktop.export.targets.address import SFTP_PORT, TargetAddress
from fieldnotes_desktop.export.targets.base import checked_path, parent_folders, part_name
from fieldnotes_desktop.export.targets.ssh_login import log_in

# paramiko sends at most this much in one SFTP write; writes are pipelined, so a file costs
# four round trips (open, size check, close, rename) whatever its size.
BLOCK = 32768
FILE_MODE = 0o644
FOLDER_MODE = 0o755
# A server silent this long during a transfer is taken as gone (the connect has its own timeout).
IDLE_SECONDS = 120.0

log = logging.getLogger(__name__)


class SftpConnection:
    """A site's folder on a server, reached with the writer's SSH keys (or a password kept in the keyring)."""

    def __init__(
        self,
        address: TargetAddress,
        *,
        trust_host: bool = False,
        password: str | None = None,
        known_hosts: Path | None = None,
        timeout: float = 15.0,
    ) -> None:
        login = log_in(address, trust_host=trust_host, password=password, known_hosts=known_hosts, timeout=timeout)
        self._transport = login.transport
        self.notes = login.notes  # sentences for the writer that did not stop the publish
        self.bytes_sent = 0
        self._who = f"{login.user}@{address.host}"
        self._folders: set[str] = set()  # remote folders known to exist: no stat per uploaded file
        self._posix_rename = True
        try:
            sftp = paramiko.SFTPClient.from_transport(self._transport)
            channel = sftp.get_channel() if sftp is not None else None
            if sftp is None or channel is None:
                raise paramiko.SSHException("no SFTP channel")
            self._sftp = sftp
            channel.settimeout(max(IDLE_SECONDS, timeout))
        except (paramiko.SSHException, EOFError, OSError):
            self._transport.close()
            raise PublishFailed(
                f"{self._who} let Field Notes log in but offers no SFTP; ask the server's administrator to enable it."
            ) from None
        try:
            self.root = self._root_folder(address.path)
            port = "" if address.port == SFTP_PORT else f":{address.port}"
            self.where = f"{self._who}:{self.root}" if not port else f"sftp://{self._who}{port}{self.root}"
            with self._guard(self.root):
                self._ensure_folder(self.root)
        except BaseException:
            self.close()
            raise

    def read(self, path: str, limit: int) -> bytes | None:
        remote = self._remote(path)
        with self._guard(remote, doing="read"):
            try:
                handle = self._sftp.open(remote, "rb")
            except OSError as exc:
                if exc.errno == errno.ENOENT:
                    return None
                raise
            with handle:
                size = handle.stat().st_size or 0
                data = b""
                if size <= limit:
                    handle.prefetch(size)  # the record is read in parallel requests, not one by one
                    data = handle.read(limit + 1)
        if size > limit or len(data) > limit:
            raise PublishFailed(
                f"{self._at(remote)} is larger than a publish record can be ({limit:,} bytes); move it away and publish again."
            )
        return data

    def write(self, path: str, data: bytes) -> None:
        remote = self._remote(path)
        part = self._remote(part_name(path))
        with self._guard(remote):
            self._ensure_folder(posixpath.dirname(remote))
            self._store(part, [data])
            self._replace(part, remote)

    def upload(self, path: str, source: Path) -> None:
        remote = self._remote(path)
        part = self._remote(part_name(path))
        try:
            local = source.open("rb")
        except OSError as exc:
            raise PublishFailed(describe_os_error(exc, source, "publish")) from exc
        with local, self._guard(remote, part):
            self._ensure_folder(posixpath.dirname(remote))
            self._store(part, iter(partial(local.read, BLOCK), b""))
            self._replace(part, remote)

    def listdir(self, folder: str) -> set[str] | None:
        remote = self._remote(folder) if folder else self.root
        with self._guard(remote, doing="read"):
            try:
                return set(self._sftp.listdir(remote))
            except OSError as exc:
                if exc.errno == errno.ENOENT:
                    return None
                raise

    def remove(self, path: str) -> None:
        remote = self._remote(path)
        with self._guard(remote, doing="remove"):
            for target in (remote, self._remote(part_name(path))):
                try:
                    self._sftp.remove(target)
                except OSError as exc:
                    if exc.errno != errno.ENOENT:
                        raise
            for folder in parent_folders(path):
                full = self._remote(folder)
                try:
                    self._sftp.rmdir(full)  # only when empty: another's file keeps it
                except OSError as exc:
                    if exc.errno in (None, errno.ENOENT):  # SFTP says "not empty" as a bare failure
                        break
                    raise
                self._folders.discard(full)

    def finish(self, message: str) -> None:
        pass  # each file was live the moment it was renamed

    def close(self) -> None:
        sftp = getattr(self, "_sftp", None)
        if sftp is not None:
            sftp.close()
        self._transport.close()

    def _root_folder(self, path: str) -> str:
        if path.startswith("/"):
            return posixpath.normpath(path)
        with self._guard(".", doing="read"):
            home = self._sftp.normalize(".")
        return posixpath.normpath(posixpath.join(home, path))

    def _remote(self, path: str) -> str:
        return posixpath.join(self.root, checked_path(path))

    def _at(self, remote: str) -> str:
        return f"{self._who}:{remote}"

    def _ensure_folder(self, folder: str) -> None:
        if folder in self._folders:
            return
        try:
            attributes = self._sftp.stat(folder)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise
            parent = posixpath.dirname(folder)
            if parent != folder:
                self._ensure_folder(parent)
            try:
                self._sftp.mkdir(folder, FOLDER_MODE)
            except OSError as refused:
                try:
                    attributes = self._sftp.stat(folder)  # made meanwhile by another program?
                except OSError:
                    raise refused from None
                if not stat.S_ISDIR(attributes.st_mode or 0):
                    raise refused from None
        else:
            if not stat.S_ISDIR(attributes.st_mode or 0):
                raise PublishFailed(
                    f"{self._at(folder)} is a file where the site needs a folder; move it away and publish again."
                )
        self._folders.add(folder)

    def _store(self, part: str, blocks: Iterable[bytes]) -> None:
        """Writes `part` with pipelined writes, then makes sure the server wrote all of it."""
        sent = 0
        with self._sftp.open(part, "wb") as handle:  # unbuffered: each block is one write request
            handle.set_pipelined(True)  # no round trip per block
            for block in blocks:
                handle.write(block)
                sent += len(block)
                self.bytes_sent += len(block)
            # paramiko drops the replies to pipelined writes it does not wait for, and their errors with
            # them (a full disk), so the file's size is asked, as its own putfo() does: the answer comes
            # after every write was done, and gives the mode too.
            attributes = handle.stat()
            if attributes.st_size != sent:
                raise OSError(f"only {attributes.st_size or 0:,} of {sent:,} bytes were written")
            if stat.S_IMODE(attributes.st_mode or 0) != FILE_MODE:
                handle.chmod(FILE_MODE)  # the server's umask decided otherwise

    def _replace(self, part: str, remote: str) -> None:
        if self._posix_rename:
            try:
                self._sftp.posix_rename(part, remote)  # the OpenSSH extension: replaces in one step
                return
            except OSError as exc:
                if exc.errno is not None:
                    raise
                try:
                    self._rename_over(part, remote)
                except OSError:
                    raise exc from None
                log.info("%s has no posix-rename; files are replaced by remove and rename", self._who)
                self._posix_rename = False
                return
        self._rename_over(part, remote)

    def _rename_over(self, part: str, remote: str) -> None:
        # Plain SFTP rename refuses an existing target: for a moment there is no file at all.
        try:
            self._sftp.remove(remote)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise
        self._sftp.rename(part, remote)

    @contextmanager
    def _guard(self, remote: str, part: str | None = None, doing: str = "write") -> Iterator[None]:
        """Turns what paramiko raises into one sentence naming the file on the server."""
        try:
            yield
        except PublishFailed:
            raise
        except (paramiko.SSHException, EOFError, socket.timeout, ConnectionError) as exc:
            raise PublishFailed(self._lost(remote, type(exc).__name__)) from None
        except OSError as exc:
            if not self._transport.is_active():  # paramiko says "Socket is closed" as a bare OSError
                raise PublishFailed(self._lost(remote, "closed")) from None
            if part is not None:
                self._drop(part)
            raise PublishFailed(self._describe(exc, remote, doing)) from None

    def _lost(self, remote: str, why: str) -> str:
        return f"The connection to {self._who} was lost at {remote} ({why}); publish again to finish."

    def _describe(self, exc: OSError, remote: str, doing: str) -> str:
        where = self._at(remote)
        if exc.errno in (errno.EACCES, errno.EPERM):
            verb = "read" if doing == "read" else "change"
            return f"The server does not let {self._who} {verb} {where} (permission denied); check who owns that folder there."
        if exc.errno == errno.ENOENT:
            return f"{where} is missing on the server (moved or removed during the publish); publish again."
        if doing != "write":
            why = str(exc).strip() or "failure"
            return f"The server could not {doing} {where} ({why}); check what is at that path there and publish again."
        if exc.errno is None:  # an SFTP "failure": the server gives no reason; disk full is the usual one
            why = str(exc).strip() or "failure"
            return (
                f"The server could not write {where} ({why}; most often its disk or your quota is full); "
                "free some space there and publish again."
            )
        return f"The server could not write {where} ({exc.strerror or exc}); publish again."

    def _drop(self, part: str) -> None:
        try:
            self._sftp.remove(part)  # a half-written part would wait for the next publish
        except (OSError, paramiko.SSHException, EOFError):
            pass
