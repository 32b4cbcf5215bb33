"""One window per database file: a lock named by the file's identity, and a local socket to wake the first window."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from fieldnotes_desktop.config import lock_dir
from fieldnotes_desktop.errors import DatabaseError, FieldnotesError


class AlreadyOpenError(FieldnotesError):
    """Another Field Notes window has this database open."""


def file_identity(db_path: Path) -> str | None:
    """The file itself, whatever the path to it: device and inode (a symlink is followed).

    A hard link, a symlink, a bind mount or another spelling of the path all name one identity.
    """
    try:
        stat = os.stat(db_path)
    except OSError:
        return None
    return f"{stat.st_dev:x}-{stat.st_ino:x}"


def _server_name(identity: str) -> str:
    digest = hashlib.sha1(identity.encode()).hexdigest()[:16]
    return f"fieldnotes-desktop-{digest}"


class InstanceLock(QObject):
    """Held while a window has the database open; a second window is refused, not let in."""

    raise_requested = Signal()  # a second start asked the first window to come forward

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self._db_path = db_path.resolve()
        self._lock: QLockFile | None = None
        self._created_empty = False
        self._server: QLocalServer | None = None

    def acquire(self) -> None:
        identity = self._identity()
        folder = lock_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._forget_created()
            raise DatabaseError(
                f"Cannot create the folder {folder} for the window lock ({exc.strerror}); check its permissions."
            ) from exc
        lock = QLockFile(str(folder / f"{identity}.lock"))
        lock.setStaleLockTime(0)  # a crashed owner is detected by its pid, not by age
        if not lock.tryLock(200):
            self._forget_created()
            raise AlreadyOpenError(
                f"Field Notes is already open on {self._db_path}. Use that window, or close it "
                "first: two windows writing the same entries would overwrite each other."
            )
        self._lock = lock
        name = _server_name(identity)
        QLocalServer.removeServer(name)  # a socket left by a crash would block listen()
        server = QLocalServer(self)
        if server.listen(name):
            server.newConnection.connect(self._on_server_new_connection)
            self._server = server

    def _identity(self) -> str:
        """The database's identity, making the file (empty) first when it does not exist yet.

        A file that does not exist has no identity to lock; and a lock by path alone would
        miss a hard link made once the first window has created the file. An empty file is
        what the store takes for a new database, so making it changes nothing else.
        """
        try:
            self._db_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._db_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pass
        except OSError as exc:
            raise DatabaseError(
                f"Cannot create {self._db_path} ({exc.strerror}); choose another place for the database with --db."
            ) from exc
        else:
            os.close(fd)
            self._created_empty = True
        identity = file_identity(self._db_path)
        if identity is None:
            raise DatabaseError(f"Cannot read {self._db_path}; check that the file and its folder are readable.")
        return identity

    def _forget_created(self) -> None:
        """Removes the empty file `acquire` made when the window did not get as far as a database."""
        if self._created_empty:
            self._created_empty = False
            try:
                if self._db_path.stat().st_size == 0:
                    self._db_path.unlink()
            except OSError:
                pass

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock is not None and self._lock.isLocked():
            self._lock.unlock()
        self._lock = None
        self._forget_created()

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        if socket is not None:
            socket.disconnectFromServer()
        self.raise_requested.emit()


def wake_running_instance(db_path: Path, timeout_ms: int = 500) -> bool:
    """Asks the window already open on `db_path` to come to the front; True when it answered."""
    identity = file_identity(db_path)
    if identity is None:
        return False  # no file, so no window can have it open
    socket = QLocalSocket()
    socket.connectToServer(_server_name(identity))
    connected = socket.waitForConnected(timeout_ms)
    socket.abort()
    return connected
