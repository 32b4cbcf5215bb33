"""One window per database: a lock file beside it, and a local socket to wake the first window."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from fieldnotes_desktop.errors import FieldnotesError


class AlreadyOpenError(FieldnotesError):
    """Another Field Notes window has this database open."""


def _server_name(db_path: Path) -> str:
    digest = hashlib.sha1(str(db_path.resolve()).encode()).hexdigest()[:16]
    return f"fieldnotes-desktop-{digest}"


class InstanceLock(QObject):
    """Held while a window has the database open; a second window is refused, not let in."""

    raise_requested = Signal()  # a second start asked the first window to come forward

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        # Resolved, so a symlink or another spelling of the path is the same database.
        self._db_path = db_path.resolve()
        self._lock = QLockFile(str(self._db_path) + ".lock")
        self._lock.setStaleLockTime(0)  # a crashed owner is detected by its pid, not by age
        self._server: QLocalServer | None = None

    def acquire(self) -> None:
        self._db_path.parent.mkdir(parents=True, exist_ok=True)
        if not self._lock.tryLock(200):
            raise AlreadyOpenError(
                f"Field Notes is already open on {self._db_path}. Use that window, or close it "
                "first: two windows writing the same entries would overwrite each other."
            )
        name = _server_name(self._db_path)
        QLocalServer.removeServer(name)  # a socket left by a crash would block listen()
        server = QLocalServer(self)
        if server.listen(name):
            server.newConnection.connect(self._on_server_new_connection)
            self._server = server

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        if socket is not None:
            socket.disconnectFromServer()
        self.raise_requested.emit()


def wake_running_instance(db_path: Path, timeout_ms: int = 500) -> bool:
    """Asks the window already open on `db_path` to come to the front; True when it answered."""
    socket = QLocalSocket()
    socket.connectToServer(_server_name(db_path))
    connected = socket.waitForConnected(timeout_ms)
    socket.abort()
    return connected
