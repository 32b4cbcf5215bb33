"""A throw-away PostgreSQL cluster on 127.0.0.1 for the shared-desk tests: its own folder, port and password."""

from __future__ import annotations

import itertools
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg.rows import TupleRow

SUPERUSER = "writer"
HOST = "127.0.0.1"
DEBIAN_BINARIES = Path("/usr/lib/postgresql")  # Debian's postgresql package puts each major version here
BINARIES = ("initdb", "pg_ctl", "postgres")
# PostgreSQL refuses to run as root, and CI runs as root: there the server runs as this account.
UNPRIVILEGED = "nobody"


class PostgresMissing(RuntimeError):
    """PostgreSQL's server programs are on neither PATH nor Debian's version folders."""


def find_binaries() -> Path:
    """The folder holding initdb, pg_ctl and postgres: PATH's first, else Debian's newest version."""
    candidates: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path is not None:
        candidates.append(Path(on_path).resolve().parent)  # a symlink in /usr/local/bin leads to its version
        candidates.append(Path(on_path).parent)
    versions = sorted(
        (folder for folder in DEBIAN_BINARIES.glob("*/bin") if folder.parent.name.isdigit()),
        key=lambda folder: int(folder.parent.name),
        reverse=True,
    )
    candidates.extend(versions)
    for folder in candidates:
        if all((folder / name).is_file() for name in BINARIES):
            return folder
    raise PostgresMissing(f"PostgreSQL's {', '.join(BINARIES)} are not on PATH nor under {DEBIAN_BINARIES}/*/bin")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """initdb, start and stop of one cluster; `new_database()` hands each test an empty database of its own.

    The superuser `writer` logs in over TCP with `password` (scram-sha-256) and without one on the
    unix socket in the cluster's folder, which is how the cluster itself makes and drops databases.
    """

    def __init__(self) -> None:
        self.binaries = find_binaries()
        self.password = secrets.token_urlsafe(18)
        self._as_user = self._unprivileged_prefix()
        # Under /tmp itself when root: pytest's own temp folders are 0700 root, closed to `nobody`.
        self.folder = Path(tempfile.mkdtemp(prefix="fieldnotes-pg-", dir="/tmp" if self._as_user else None))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = 0
        self.running = False
        self._names = itertools.count(1)
        try:
            if self._as_user:
                account = pwd.getpwnam(UNPRIVILEGED)
                os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._initdb()
            self._start_on_a_free_port()
        except BaseException:
            self.close()
            raise

    # -- the server's life --------------------------------------------------------------------

    def start(self) -> None:
        """Starts the server on its port and data (again, after `stop()`); returns once it takes connections."""
        if self.running:
            return
        done = self._run(
            [str(self.binaries / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log)]
        )
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {done.stdout}{done.stderr}\n{self._log_tail()}")
        self.running = True

    def stop(self) -> None:
        """Stops the server at once, cutting its connections off; the data stays for `start()`."""
        if not self.running:
            return
        done = self._run([str(self.binaries / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data)])
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not stop: {done.stdout}{done.stderr}")
        self.running = False

    def close(self) -> None:
        """Stops the server if it runs and removes its folder."""
        try:
            if self.running:
                self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- databases ----------------------------------------------------------------------------

    def url(self, database: str) -> str:
        """The address of `database` as the app takes it; the password stays out (PGPASSWORD has it)."""
        return f"postgresql+psycopg://{SUPERUSER}@{HOST}:{self.port}/{database}"

    def new_database(self) -> str:
        """Makes an empty database `fresh_N` owned by `writer` and returns its address."""
        name = f"fresh_{next(self._names)}"
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" OWNER "{SUPERUSER}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drops the database at `url`, closing whatever connections a test left open to it."""
        name = url.rsplit("/", 1)[1]
        if not re.fullmatch(r"fresh_\d+", name):
            raise ValueError(f"{name!r} is not a database this cluster made")
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self) -> psycopg.Connection[TupleRow]:
        # CREATE/DROP DATABASE cannot run inside a transaction, hence autocommit.
        return psycopg.connect(
            host=str(self.folder), port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    # -- set-up -------------------------------------------------------------------------------

    def _initdb(self) -> None:
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n")
        if self._as_user:
            shutil.chown(password_file, UNPRIVILEGED)
        try:
            done = self._run(
                [
                    str(self.binaries / "initdb"),
                    "-D", str(self.data),
                    "-U", SUPERUSER,
                    f"--pwfile={password_file}",
                    "--auth-host=scram-sha-256",
                    "--auth-local=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",  # Unicode case rules, as a real server's locale has, on every Debian
                    "--no-sync",  # nothing here needs to survive a power cut
                    "--no-instructions",
                ]
            )
        finally:
            password_file.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")

    def _start_on_a_free_port(self) -> None:
        # Another program may take the free port between the probe and the start: try a few.
        for attempt in range(3):
            self.port = _free_port()
            self._configure()
            try:
                self.start()
                return
            except RuntimeError:
                if attempt == 2 or "Address already in use" not in self._log_tail():
                    raise

    def _configure(self) -> None:
        settings = {
            "listen_addresses": f"'{HOST}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.folder}'",
            # Speed over safety, on purpose: a throw-away cluster need not flush each commit and
            # each new database to disk, and a crash can only lose data no one keeps.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        # A later line wins, so a port chosen again on a retry replaces the first.
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))

    def _unprivileged_prefix(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        if shutil.which("runuser"):
            return ["runuser", "-u", UNPRIVILEGED, "--"]
        if shutil.which("setpriv"):
            account = pwd.getpwnam(UNPRIVILEGED)
            return ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups", "--"]
        raise PostgresMissing("PostgreSQL refuses to run as root, and neither runuser nor setpriv is here to drop it")

    def _run(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        # The cluster's folder as working directory: the unprivileged account cannot enter the repository's.
        return subprocess.run(
            self._as_user + command, cwd=self.folder, capture_output=True, text=True, timeout=120
        )

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""
